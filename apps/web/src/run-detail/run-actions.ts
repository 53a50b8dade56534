import type { AgentRunParams, RunItem } from "@oz/contract";
import type { NewRunForm } from "../runs/new-run.ts";

/** The body that starts the same run again: its prompt, title and the configuration it was resolved to. */
export function rerunParams(run: RunItem): AgentRunParams {
  return {
    prompt: run.prompt,
    ...(run.title && { title: run.title }),
    ...(run.agent_config && { config: run.agent_config }),
    ...(run.executor?.type === "service_account" && run.executor.uid && { agent_identity_uid: run.executor.uid }),
  };
}

/** The New run form filled from a run, for "Edit and run". */
export function formFromRun(run: RunItem): NewRunForm {
  const config = run.agent_config;
  const harness = config?.harness;
  return {
    prompt: run.prompt,
    title: run.title,
    agentUid: run.executor?.type === "service_account" ? (run.executor.uid ?? "") : "",
    environmentId: config?.environment_id ?? "",
    modelId: harness?.model_id ?? config?.model_id ?? "",
    configName: config?.name ?? "",
    harness: harness?.type ?? "",
    command: harness?.command ?? "",
  };
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The curl command that starts the same run through the API, with an API key from Settings. */
export function curlCommand(origin: string, params: AgentRunParams): string {
  return [
    `curl -sS -X POST ${shellQuote(`${origin}/api/v1/agent/runs`)}`,
    `  -H "Authorization: Bearer $OZ_API_KEY"`,
    `  -H 'content-type: application/json'`,
    `  -d ${shellQuote(JSON.stringify(params))}`,
  ].join(" \\\n");
}

/** The same call from TypeScript with fetch (no SDK needed). */
export function fetchSnippet(origin: string, params: AgentRunParams): string {
  return [
    `const res = await fetch(${JSON.stringify(`${origin}/api/v1/agent/runs`)}, {`,
    `  method: "POST",`,
    `  headers: { authorization: \`Bearer \${process.env.OZ_API_KEY}\`, "content-type": "application/json" },`,
    `  body: JSON.stringify(${JSON.stringify(params, null, 2).replace(/\n/g, "\n  ")}),`,
    `});`,
    `const { run_id } = await res.json();`,
  ].join("\n");
}
