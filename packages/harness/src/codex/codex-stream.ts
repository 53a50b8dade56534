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
 * `codex exec --json`: `thread.started`, `turn.started`, then `item.started` / `item.completed` for each thing
 * the agent does (an `agent_message`, a `command_execution`, a `file_change`, an `mcp_tool_call`, …), and
 * `turn.completed` with the token counts or `turn.failed` with the error. Top-level `error` events are retries
 * and warnings on the way.
 */
export class CodexStreamParser implements CliStreamParser {
  result: CliResult | undefined;
  usage: CliUsage | undefined;
  mcpFailure: string | undefined;
  private readonly transcript: TranscriptBuilder;
  private lastMessage = "";
  private readonly model: string;

  /** `model`: the run's `harness.model_id` (Codex does not say which model it used; unset means its default). */
  constructor(options: { model?: string; now?: () => number } = {}) {
    this.model = options.model ?? "codex default model";
    this.transcript = new TranscriptBuilder(options.now);
  }

  line(value: Record<string, unknown>): NewRunEvent[] {
    switch (value.type) {
      case "thread.started":
        return this.transcript.note(`Codex started: thread ${asString(value.thread_id) ?? "?"}`);
      case "item.started":
        return this.itemStarted(asRecord(value.item));
      case "item.completed":
        return this.itemCompleted(asRecord(value.item));
      case "turn.completed":
        return this.turnCompleted(asRecord(value.usage));
      case "turn.failed":
        return this.failed(asString(asRecord(value.error).message) ?? "the turn failed");
      case "error":
        return this.transcript.note(`Codex: ${asString(value.message) ?? "error"}`);
      default:
        return [];
    }
  }

  flush(): NewRunEvent[] {
    return [];
  }

  /** A `required` MCP server that did not start ends Codex before its first event, said only on stderr. */
  stderrLine(line: string): void {
    const failed = /required MCP servers failed to initialize: ([^:]+): (.*)$/.exec(line);
    if (failed && this.mcpFailure === undefined) {
      this.mcpFailure = `MCP server "${failed[1]}" failed to start: ${failed[2]}`;
    }
  }

  private itemStarted(item: Record<string, unknown>): NewRunEvent[] {
    const id = asString(item.id) ?? "";
    switch (item.type) {
      case "command_execution":
        return this.transcript.toolCall(id, "shell", { command: item.command });
      case "mcp_tool_call":
        return this.transcript.toolCall(id, mcpToolName(item), item.arguments ?? {});
      case "web_search":
        return this.transcript.toolCall(id, "web_search", { query: item.query });
      default:
        return [];
    }
  }

  private itemCompleted(item: Record<string, unknown>): NewRunEvent[] {
    const id = asString(item.id) ?? "";
    switch (item.type) {
      case "agent_message": {
        const text = asString(item.text) ?? "";
        if (text.trim()) this.lastMessage = text;
        return this.transcript.message(text);
      }
      case "command_execution": {
        const exitCode = asNumber(item.exit_code);
        const output = asString(item.aggregated_output) ?? "";
        return this.transcript.toolResult(
          id,
          exitCode !== undefined && exitCode !== 0 ? `${output}\n[exit code ${exitCode}]` : output,
          item.status === "failed" || (exitCode !== undefined && exitCode !== 0),
        );
      }
      case "file_change": {
        // Codex applies patches itself, without a started item: the change is its call and its result.
        const changes = Array.isArray(item.changes) ? item.changes.map(asRecord) : [];
        const summary = changes.map((c) => `${asString(c.kind) ?? "update"} ${asString(c.path) ?? "?"}`).join("\n");
        return [
          ...this.transcript.toolCall(id, "apply_patch", { changes }),
          ...this.transcript.toolResult(id, summary, item.status === "failed"),
        ];
      }
      case "mcp_tool_call": {
        const error = asString(asRecord(item.error).message);
        return this.transcript.toolResult(
          id,
          error ?? mcpResultText(item.result),
          item.status === "failed",
          mcpToolName(item),
        );
      }
      case "web_search":
        return this.transcript.toolResult(id, `searched: ${asString(item.query) ?? ""}`, false);
      case "error": {
        const message = asString(item.message) ?? "";
        if (/MCP client for `[^`]+` failed to start/.test(message)) this.mcpFailure = message;
        return this.transcript.note(`Codex: ${message}`);
      }
      default:
        return []; // reasoning and plans stay in Codex's own session log
    }
  }

  private turnCompleted(usage: Record<string, unknown>): NewRunEvent[] {
    const tokens = {
      input_tokens: asNumber(usage.input_tokens) ?? 0,
      output_tokens: asNumber(usage.output_tokens) ?? 0,
    };
    this.usage = {
      input_tokens: (this.usage?.input_tokens ?? 0) + tokens.input_tokens,
      output_tokens: (this.usage?.output_tokens ?? 0) + tokens.output_tokens,
    };
    this.result = { ok: true, message: this.lastMessage };
    return this.transcript.usage(this.model, tokens);
  }

  private failed(message: string): NewRunEvent[] {
    const status = /status (\d{3})/.exec(message)?.[1];
    this.result = { ok: false, message, cause: causeOfStatus(status ? Number(status) : undefined) };
    return [];
  }
}

/** MCP tools are named as the built-in harness names them: `mcp__<server>__<tool>`. */
const mcpToolName = (item: Record<string, unknown>) =>
  `mcp__${asString(item.server) ?? "?"}__${asString(item.tool) ?? "?"}`;

function mcpResultText(result: unknown): string {
  const content = asRecord(result).content;
  if (!Array.isArray(content)) return result === undefined ? "" : JSON.stringify(result);
  return content
    .map(asRecord)
    .map((block) => (block.type === "text" ? (asString(block.text) ?? "") : `[${String(block.type)}]`))
    .join("\n");
}
