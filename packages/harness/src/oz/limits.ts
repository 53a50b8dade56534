/** Bounds of the built-in tool loop; the worker sets them from its configuration, defaults apply to the rest. */
export interface ToolLoopLimits {
  /** Model responses per run; a run that has not finished by then FAILS. */
  maxTurns: number;
  /** Tokens the model may write in one response. */
  maxResponseTokens: number;
  /** A shell command's time limit when the model asks for none. */
  defaultCommandTimeoutMs: number;
  /** The most any tool call may take (a shell command's own timeout is capped at this). */
  maxToolTimeoutMs: number;
  /** How long an MCP server may take to start and answer its handshake. */
  mcpStartTimeoutMs: number;
}

export const DEFAULT_TOOL_LOOP_LIMITS: ToolLoopLimits = {
  maxTurns: 50,
  maxResponseTokens: 8_192,
  defaultCommandTimeoutMs: 120_000,
  maxToolTimeoutMs: 600_000,
  mcpStartTimeoutMs: 30_000,
};
