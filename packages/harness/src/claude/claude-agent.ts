import type { McpServerConfig } from "@oz/contract";
import type { CliAgent } from "../cli/cli-agent.ts";
import { createCliHarness } from "../cli/cli-harness.ts";
import { shellCommand } from "../cli/shell-command.ts";
import { ClaudeStreamParser } from "./claude-stream.ts";

/** `--effort` takes these; another `reasoning_level` is ignored, as the API says of settings a harness does not support. */
const EFFORTS = new Set(["low", "medium", "high", "xhigh", "max"]);

/**
 * Claude Code (npm `@anthropic-ai/claude-code`): `claude -p --output-format stream-json --verbose`, one JSON
 * object per line. Its key goes in ANTHROPIC_API_KEY; ANTHROPIC_BASE_URL in the run's environment (a gateway,
 * a test's fake provider) is honoured by the CLI itself. MCP servers are handed over with `--mcp-config`.
 */
export const claudeAgent: CliAgent = {
  title: "Claude Code",
  executable: "claude",
  npmPackage: "@anthropic-ai/claude-code",
  keyVariable: "ANTHROPIC_API_KEY",
  authSecret: (config) => ({
    name: config.harness_auth_secrets?.claude_auth_secret_name,
    setting: "harness_auth_secrets.claude_auth_secret_name",
  }),
  environmentVariables: [],
  invocation({ config, configDir, instructions, mcpServers }) {
    const files: Record<string, string> = {};
    const words = ["claude", "-p", "--output-format", "stream-json", "--verbose"];
    // The sandbox is the boundary: nobody is there to approve a tool call.
    words.push("--permission-mode", "bypassPermissions");
    if (config.harness?.model_id) words.push(`--model=${config.harness.model_id}`);
    const effort = config.harness?.reasoning_level;
    if (effort && EFFORTS.has(effort)) words.push(`--effort=${effort}`);
    // `--option=value`: a value that starts with a dash stays a value.
    if (instructions) words.push(`--append-system-prompt=${instructions}`);
    if (Object.keys(mcpServers).length > 0) {
      const path = `${configDir}/mcp-servers.json`;
      files[path] = JSON.stringify({ mcpServers: claudeMcpServers(mcpServers) }, null, 2);
      words.push("--mcp-config", path, "--strict-mcp-config");
    }
    return {
      command: `exec ${shellCommand(words)} < "$OZ_PROMPT_FILE"`,
      files,
      env: {
        // Allows bypassPermissions even when an image runs its processes as root.
        IS_SANDBOX: "1",
        // No update checks, telemetry or error reporting from inside a sandbox.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_AUTOUPDATER: "1",
      },
    };
  },
  createParser: () => new ClaudeStreamParser(),
};

/** Claude Code's `mcpServers` entries: stdio servers, or (Streamable) HTTP ones. */
function claudeMcpServers(servers: Record<string, McpServerConfig>) {
  return Object.fromEntries(
    Object.entries(servers).map(([name, server]) => [
      name,
      server.url !== undefined
        ? { type: "http", url: server.url, headers: server.headers ?? {} }
        : { type: "stdio", command: server.command, args: server.args ?? [], env: server.env ?? {} },
    ]),
  );
}

export const claudeHarness = createCliHarness(claudeAgent);
