import type { McpServerConfig } from "@oz/contract";
import type { CliAgent } from "../cli/cli-agent.ts";
import { createCliHarness } from "../cli/cli-harness.ts";
import { shellCommand } from "../cli/shell-command.ts";
import { GeminiStreamParser } from "./gemini-stream.ts";

/**
 * Gemini CLI (npm `@google/gemini-cli`): `gemini --output-format stream-json` with the prompt on stdin, one JSON event per
 * line. Its key goes in GEMINI_API_KEY; GOOGLE_GEMINI_BASE_URL in the run's environment is honoured by the CLI
 * itself. Its settings (API-key auth, MCP servers, no usage statistics) and the run's instructions (a
 * GEMINI.md, its "global memory") live in a GEMINI_CLI_HOME of its own.
 *
 * The contract names no secret for Gemini: `harness_auth_secrets.gemini_auth_secret_name` (ours) names it.
 */
export const geminiAgent: CliAgent = {
  title: "Gemini CLI",
  executable: "gemini",
  npmPackage: "@google/gemini-cli",
  keyVariable: "GEMINI_API_KEY",
  authSecret: (config) => ({
    name: config.harness_auth_secrets?.gemini_auth_secret_name,
    setting: "harness_auth_secrets.gemini_auth_secret_name",
  }),
  environmentVariables: [],
  invocation({ config, configDir, instructions, mcpServers }) {
    const files: Record<string, string> = {
      [`${configDir}/.gemini/settings.json`]: JSON.stringify(geminiSettings(mcpServers), null, 2),
    };
    if (instructions) files[`${configDir}/.gemini/GEMINI.md`] = `${instructions}\n`;
    // yolo: the sandbox is the boundary, nobody is there to approve a tool call (and without it the CLI offers
    // no shell or file-writing tools at all in non-interactive mode).
    const words = ["gemini", "--output-format", "stream-json", "--approval-mode", "yolo", "--skip-trust"];
    if (config.harness?.model_id) words.push(`--model=${config.harness.model_id}`);
    return {
      // `--prompt=…`: a prompt that starts with a dash stays the prompt.
      command: `exec ${shellCommand(words)} < "$OZ_PROMPT_FILE"`,
      files,
      env: { GEMINI_CLI_HOME: configDir, GEMINI_CLI_NO_RELAUNCH: "true" },
    };
  },
  createParser: (config) => new GeminiStreamParser({ mcpServers: Object.keys(config.mcp_servers ?? {}) }),
};

function geminiSettings(servers: Record<string, McpServerConfig>) {
  return {
    // The API key from GEMINI_API_KEY (also when GOOGLE_GEMINI_BASE_URL points elsewhere).
    security: { auth: { selectedType: "gemini-api-key" } },
    general: { enableAutoUpdate: false },
    privacy: { usageStatisticsEnabled: false },
    mcpServers: Object.fromEntries(
      Object.entries(servers).map(([name, server]) => [
        name,
        server.url !== undefined
          ? { httpUrl: server.url, headers: server.headers ?? {} }
          : { command: server.command, args: server.args ?? [], env: server.env ?? {} },
      ]),
    ),
  };
}

export const geminiHarness = createCliHarness(geminiAgent);
