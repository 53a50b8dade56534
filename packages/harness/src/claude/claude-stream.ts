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
 * Claude Code's `--output-format stream-json --verbose`: a `system` `init` line, then `assistant` lines (one per
 * content block of a model response, which share the response's message id) and `user` lines carrying tool
 * results, and a final `result` line with the answer or the error, the token counts and the cost.
 */
export class ClaudeStreamParser implements CliStreamParser {
  result: CliResult | undefined;
  usage: CliUsage | undefined;
  mcpFailure: string | undefined;
  private readonly transcript: TranscriptBuilder;
  /** The `error` an API-error message carried (`authentication_failed`, `rate_limit`, …). */
  private apiError: string | undefined;

  constructor(options: { now?: () => number } = {}) {
    this.transcript = new TranscriptBuilder(options.now);
  }

  line(value: Record<string, unknown>): NewRunEvent[] {
    switch (value.type) {
      case "system":
        return this.system(value);
      case "assistant":
        return this.assistant(value);
      case "user":
        return this.user(value);
      case "result":
        return this.finish(value);
      default:
        return [];
    }
  }

  flush(): NewRunEvent[] {
    return [];
  }

  private system(value: Record<string, unknown>): NewRunEvent[] {
    if (value.subtype === "api_retry") {
      const status = asNumber(value.error_status);
      return this.transcript.note(
        `Claude Code is retrying a failed model request${status ? ` (HTTP ${status})` : ""}: attempt ${String(value.attempt ?? "?")} of ${String(value.max_retries ?? "?")}`,
      );
    }
    if (value.subtype !== "init") return [];
    const servers = Array.isArray(value.mcp_servers) ? value.mcp_servers.map(asRecord) : [];
    const failed = servers.find((server) => server.status === "failed");
    if (failed) this.mcpFailure = `MCP server "${asString(failed.name) ?? "?"}" failed to start in Claude Code.`;
    const mcp = servers.map((server) => `${asString(server.name) ?? "?"} (${asString(server.status) ?? "?"})`);
    return this.transcript.note(
      `Claude Code ${asString(value.claude_code_version) ?? ""} started: model ${asString(value.model) ?? "default"}` +
        (mcp.length > 0 ? `, MCP servers ${mcp.join(", ")}` : ""),
    );
  }

  private assistant(value: Record<string, unknown>): NewRunEvent[] {
    const message = asRecord(value.message);
    if (value.error !== undefined) this.apiError = asString(value.error);
    // A message Claude Code made up itself to report an API error is not the model speaking; `result` says it.
    if (value.is_api_error_message === true) return [];
    const responseId = asString(message.id);
    const content = Array.isArray(message.content) ? message.content.map(asRecord) : [];
    return content.flatMap((block) => {
      if (block.type === "text") return this.transcript.message(asString(block.text) ?? "", responseId);
      if (block.type === "tool_use") {
        return this.transcript.toolCall(asString(block.id) ?? "", asString(block.name) ?? "", block.input, responseId);
      }
      return []; // thinking blocks stay in the CLI's own session log
    });
  }

  private user(value: Record<string, unknown>): NewRunEvent[] {
    const content = asRecord(value.message).content;
    if (!Array.isArray(content)) return []; // the prompt itself
    return content
      .map(asRecord)
      .filter((block) => block.type === "tool_result")
      .flatMap((block) =>
        this.transcript.toolResult(asString(block.tool_use_id) ?? "", textOf(block.content), block.is_error === true),
      );
  }

  private finish(value: Record<string, unknown>): NewRunEvent[] {
    const failed = value.is_error === true || value.subtype !== "success";
    const text = asString(value.result) ?? (Array.isArray(value.errors) ? value.errors.join("; ") : undefined);
    const status = asNumber(value.api_error_status);
    this.result = failed
      ? {
          ok: false,
          message: text ?? `Claude Code ended with ${String(value.subtype)}`,
          cause: this.apiError === "authentication_failed" ? "authentication" : causeOfStatus(status),
        }
      : { ok: true, message: text ?? "" };

    const usage = asRecord(value.usage);
    const inputTokens =
      (asNumber(usage.input_tokens) ?? 0) +
      (asNumber(usage.cache_creation_input_tokens) ?? 0) +
      (asNumber(usage.cache_read_input_tokens) ?? 0);
    const cost = asNumber(value.total_cost_usd);
    this.usage = {
      input_tokens: inputTokens,
      output_tokens: asNumber(usage.output_tokens) ?? 0,
      ...(cost !== undefined && { cost_usd: cost }),
    };
    return Object.entries(asRecord(value.modelUsage)).flatMap(([model, counts]) => {
      const c = asRecord(counts);
      return this.transcript.usage(model, {
        input_tokens:
          (asNumber(c.inputTokens) ?? 0) +
          (asNumber(c.cacheCreationInputTokens) ?? 0) +
          (asNumber(c.cacheReadInputTokens) ?? 0),
        output_tokens: asNumber(c.outputTokens) ?? 0,
      });
    });
  }
}

/** A tool result's content: a string, or blocks of which the text ones are shown. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map(asRecord)
    .map((block) => (block.type === "text" ? (asString(block.text) ?? "") : `[${String(block.type)}]`))
    .join("\n");
}
