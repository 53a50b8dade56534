import type { AmbientAgentConfig, McpServerConfig } from "@oz/contract";
import type { CliStreamParser } from "./stream-parser.ts";

/**
 * What the shared runner (cli-harness.ts) needs to know about one third-party agent CLI: how to start it in its
 * non-interactive, machine-readable mode, where its key goes, and how to read what it prints.
 */
export interface CliAgent {
  /** How messages name it: "Claude Code". */
  title: string;
  /** The command the sandbox image must have. */
  executable: string;
  /** The npm package that provides it, for the message when the image lacks it. */
  npmPackage: string;
  /** The variable the CLI reads its API key from; only the process of the CLI gets it. */
  keyVariable: string;
  /** The team secret holding the key (`undefined`: none configured), and the setting that names it. */
  authSecret(config: AmbientAgentConfig): { name: string | undefined; setting: string };
  /** Variables of the run's environment the invocation depends on (a base URL), read in the sandbox first. */
  environmentVariables: readonly string[];
  invocation(input: InvocationInput): CliInvocation;
  createParser(config: AmbientAgentConfig): CliStreamParser;
}

export interface InvocationInput {
  config: AmbientAgentConfig;
  /** A directory of the CLI's own in the sandbox, for its configuration and state. */
  configDir: string;
  /** The values the run's environment has for `environmentVariables` (unset ones are missing). */
  environment: Record<string, string>;
  /** `base_prompt` and the skill's instructions, when the run has any. */
  instructions: string | undefined;
  /** The run's MCP servers (stdio or url; `warp_id` ones are refused before this). */
  mcpServers: Record<string, McpServerConfig>;
}

export interface CliInvocation {
  /** The shell command that runs the CLI; the prompt is in the file `$OZ_PROMPT_FILE` (give it as stdin). */
  command: string;
  /** Files to write before it starts, by absolute path. */
  files: Record<string, string>;
  /** Variables for the CLI's process on top of the run's (the key is added by the runner). */
  env: Record<string, string>;
}
