// What only `oz agent run-cloud --file …` needs: the contract's zod schemas a request is checked against, and
// the YAML parser. Loaded on demand through load-lazy-modules.ts, so no other command pays for them.
export { AgentRunParams, AmbientAgentConfig } from "@oz/contract";
export { parse as parseYaml } from "yaml";
