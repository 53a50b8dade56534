import type { CliAgent } from "../cli/cli-agent.ts";
import { createCliHarness } from "../cli/cli-harness.ts";
import { shellCommand } from "../cli/shell-command.ts";
import { codexConfigToml } from "./codex-config.ts";
import { CodexStreamParser } from "./codex-stream.ts";

/**
 * Codex CLI (npm `@openai/codex`, a native binary inside the package): `codex exec --json`, one JSON event per
 * line. Its configuration (MCP servers, the run's instructions, a base URL) is a config.toml in a CODEX_HOME of
 * its own. `codex exec` reads its key from CODEX_API_KEY (it ignores OPENAI_API_KEY). Codex no longer reads
 * OPENAI_BASE_URL itself: when the run's environment sets it, a provider with that base URL is configured.
 */
export const codexAgent: CliAgent = {
  title: "Codex",
  executable: "codex",
  npmPackage: "@openai/codex",
  keyVariable: "CODEX_API_KEY",
  authSecret: (config) => ({
    name: config.harness_auth_secrets?.codex_auth_secret_name,
    setting: "harness_auth_secrets.codex_auth_secret_name",
  }),
  environmentVariables: ["OPENAI_BASE_URL"],
  invocation({ config, configDir, environment, instructions, mcpServers }) {
    const words = ["codex", "exec", "--json", "--skip-git-repo-check"];
    // The sandbox is the boundary: Codex's own sandbox (Landlock, seccomp) does not work inside a container.
    words.push("--dangerously-bypass-approvals-and-sandbox");
    if (config.harness?.model_id) words.push(`--model=${config.harness.model_id}`);
    return {
      command: `exec ${shellCommand(words)} - < "$OZ_PROMPT_FILE"`,
      files: {
        [`${configDir}/config.toml`]: codexConfigToml({
          baseUrl: environment.OPENAI_BASE_URL,
          keyVariable: "CODEX_API_KEY",
          reasoningEffort: config.harness?.reasoning_level,
          instructions,
          mcpServers,
        }),
      },
      env: { CODEX_HOME: configDir },
    };
  },
  createParser: (config) => new CodexStreamParser({ model: config.harness?.model_id }),
};

export const codexHarness = createCliHarness(codexAgent);
