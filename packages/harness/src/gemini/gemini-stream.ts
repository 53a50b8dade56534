import type { NewRunEvent } from "@oz/contract";
import {
  asNumber,
  asRecord,
  asString,
  causeOfStatus,
  type CliResult,
  type CliStreamParser,
  type CliUsage,
} from "../cli/stream-parser.ts";
import { TranscriptBuilder } from "../cli/transcript.ts";

/**
 * Gemini CLI's `--output-format stream-json`: `init`, the user's `message`, the model's `message`s as deltas
 * (pieces of one answer), `tool_use` / `tool_result` pairs, `error` warnings, and a final `result` with the
 * status and per-model token counts.
 */
export class GeminiStreamParser implements CliStreamParser {
  result: CliResult | undefined;
  usage: CliUsage | undefined;
  mcpFailure: string | undefined;
  private readonly transcript: TranscriptBuilder;
  /** The model's answer so far, arriving in pieces. */
  private pending = "";
  private lastMessage = "";

  private readonly mcpServers: readonly string[];

  /** `mcpServers`: the names of the run's MCP servers (Gemini CLI does not say which one failed). */
  constructor(options: { mcpServers?: readonly string[]; now?: () => number } = {}) {
    this.mcpServers = options.mcpServers ?? [];
    this.transcript = new TranscriptBuilder(options.now);
  }

  /**
   * Gemini CLI carries on without an MCP server that failed to start, saying only "MCP issues detected" on
   * stderr: the run cannot go on as configured.
   */
  stderrLine(line: string): void {
    if (!line.includes("MCP issues detected") || this.mcpFailure !== undefined) return;
    this.mcpFailure =
      this.mcpServers.length === 1
        ? `MCP server "${this.mcpServers[0]}" failed to start in Gemini CLI.`
        : `One of the MCP servers (${this.mcpServers.join(", ")}) failed to start in Gemini CLI.`;
  }

  line(value: Record<string, unknown>): NewRunEvent[] {
    if (value.type === "message") {
      if (value.role === "assistant") this.pending += asString(value.content) ?? "";
      return [];
    }
    const events = this.flush();
    switch (value.type) {
      case "init":
        events.push(...this.transcript.note(`Gemini CLI started: model ${asString(value.model) ?? "default"}`));
        break;
      case "tool_use":
        events.push(
          ...this.transcript.toolCall(asString(value.tool_id) ?? "", asString(value.tool_name) ?? "", value.parameters),
        );
        break;
      case "tool_result": {
        const failed = value.status === "error";
        const error = asString(asRecord(value.error).message);
        events.push(
          ...this.transcript.toolResult(
            asString(value.tool_id) ?? "",
            asString(value.output) ?? (failed ? (error ?? "the tool failed") : ""),
            failed,
          ),
        );
        break;
      }
      case "error":
        events.push(
          ...this.transcript.note(
            `Gemini CLI ${asString(value.severity) ?? "error"}: ${asString(value.message) ?? ""}`,
          ),
        );
        break;
      case "result":
        events.push(...this.finish(value));
        break;
    }
    return events;
  }

  /** The model's answer, once it is complete (something else arrived, or the stream ended). */
  flush(): NewRunEvent[] {
    const text = this.pending;
    this.pending = "";
    if (text.trim()) this.lastMessage = text;
    return this.transcript.message(text);
  }

  private finish(value: Record<string, unknown>): NewRunEvent[] {
    const error = asRecord(value.error);
    const message = asString(error.message) ?? "";
    this.result =
      value.status === "success"
        ? { ok: true, message: this.lastMessage }
        : {
            ok: false,
            message: message || `Gemini CLI ended with status ${String(value.status)}`,
            cause: causeOf(message),
          };
    const stats = asRecord(value.stats);
    this.usage = { input_tokens: asNumber(stats.input_tokens) ?? 0, output_tokens: asNumber(stats.output_tokens) ?? 0 };
    return Object.entries(asRecord(stats.models)).flatMap(([model, counts]) => {
      const c = asRecord(counts);
      return this.transcript.usage(model, {
        input_tokens: asNumber(c.input_tokens) ?? 0,
        output_tokens: asNumber(c.output_tokens) ?? 0,
      });
    });
  }
}

/** Gemini CLI reports an API failure as text: `[API Error: {"error":{"code":401,…}}]`. */
function causeOf(message: string) {
  const code = /"code":\s*(\d{3})/.exec(message)?.[1] ?? /\bstatus (\d{3})\b/.exec(message)?.[1];
  return causeOfStatus(code ? Number(code) : undefined);
}
