import type { McpServerConfig } from "@oz/contract";

export interface CodexConfig {
  /** Where model requests go instead of OpenAI (the run environment's OPENAI_BASE_URL). */
  baseUrl: string | undefined;
  /** The variable the key is in. */
  keyVariable: string;
  reasoningEffort: string | undefined;
  instructions: string | undefined;
  mcpServers: Record<string, McpServerConfig>;
}

/** The provider configured when the run's environment points Codex elsewhere (a gateway, a test's fake). */
const PROVIDER = "oz_base_url";

/** Codex's config.toml for one run (https://github.com/openai/codex/blob/main/docs/config.md). */
export function codexConfigToml(config: CodexConfig): string {
  const lines = ["# Written by the oz codex harness for this run."];
  if (config.reasoningEffort) lines.push(`model_reasoning_effort = ${tomlString(config.reasoningEffort)}`);
  if (config.instructions) lines.push(`developer_instructions = ${tomlString(config.instructions)}`);
  if (config.baseUrl) {
    lines.push(
      `model_provider = ${tomlString(PROVIDER)}`,
      "",
      `[model_providers.${PROVIDER}]`,
      `name = "OpenAI-compatible (OPENAI_BASE_URL)"`,
      `base_url = ${tomlString(config.baseUrl)}`,
      `env_key = ${tomlString(config.keyVariable)}`,
      `wire_api = "responses"`,
      // A gateway rarely speaks the Responses API over WebSockets; plain HTTP streaming works everywhere.
      `supports_websockets = false`,
    );
  }
  for (const [name, server] of Object.entries(config.mcpServers)) {
    lines.push("", `[mcp_servers.${tomlKey(name)}]`);
    if (server.url !== undefined) {
      lines.push(`url = ${tomlString(server.url)}`);
      if (server.headers) lines.push(`http_headers = ${tomlTable(server.headers)}`);
    } else {
      lines.push(`command = ${tomlString(server.command ?? "")}`);
      lines.push(`args = [${(server.args ?? []).map(tomlString).join(", ")}]`);
      if (server.env) lines.push(`env = ${tomlTable(server.env)}`);
    }
    // A server that does not start fails the run (as for the built-in harness) instead of going unnoticed.
    lines.push("required = true");
  }
  return `${lines.join("\n")}\n`;
}

/** A TOML basic string: JSON's escapes (\", \\, \n, \uXXXX) are TOML's too. */
const tomlString = (value: string) => JSON.stringify(value);
const tomlKey = (key: string) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key));
const tomlTable = (entries: Record<string, string>) =>
  `{ ${Object.entries(entries)
    .map(([key, value]) => `${tomlKey(key)} = ${tomlString(value)}`)
    .join(", ")} }`;
