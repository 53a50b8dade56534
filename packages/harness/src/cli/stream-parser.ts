import type { NewRunEvent } from "@oz/contract";

/** Why a CLI's run failed, when it was not the task: the provider refused the key, or was down. */
export type CliFailureCause = "authentication" | "provider_unavailable";

/** How the CLI said its run ended (its final result line or event). */
export interface CliResult {
  ok: boolean;
  /** The agent's final answer, or the error the CLI reported. */
  message: string;
  cause?: CliFailureCause;
}

/** Token counts (and the cost, when the CLI reports one) of the whole run. */
export interface CliUsage {
  input_tokens: number;
  output_tokens: number;
  cost_usd?: number;
}

/** One CLI's machine-readable output format, read one JSON line at a time. */
export interface CliStreamParser {
  /** The events one line stands for; lines we do not show (and unknown ones) yield none. */
  line(value: Record<string, unknown>): NewRunEvent[];
  /** What is still buffered when the stream ends (a message that arrived in pieces). */
  flush(): NewRunEvent[];
  /** A line of the CLI's stderr, for what a CLI only says there (an MCP server that did not start). */
  stderrLine?(line: string): void;
  readonly result: CliResult | undefined;
  readonly usage: CliUsage | undefined;
  /** Set when the CLI reports an MCP server that did not start: the run cannot go on as configured. */
  readonly mcpFailure: string | undefined;
}

/** A line of output as a JSON object, or undefined when it is something else (a warning, a progress bar). */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  const text = line.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What a provider's HTTP status says about a failure: a rejected key, an outage, or neither. */
export function causeOfStatus(status: number | undefined): CliFailureCause | undefined {
  if (status === 401 || status === 403) return "authentication";
  if (status === 429 || status === 529 || (status !== undefined && status >= 500)) return "provider_unavailable";
  return undefined;
}

/** Reads a whole recorded stream (a fixture) through a parser: its events, and what it concluded. */
export function replayStream(parser: CliStreamParser, text: string, stderr = ""): NewRunEvent[] {
  for (const line of stderr.split("\n")) parser.stderrLine?.(line);
  const events: NewRunEvent[] = [];
  for (const line of text.split("\n")) {
    const value = jsonLine(line);
    if (value) events.push(...parser.line(value));
  }
  events.push(...parser.flush());
  return events;
}

/** Narrowing helpers for the loosely typed JSON lines. */
export const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
export const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
export const asNumber = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;
