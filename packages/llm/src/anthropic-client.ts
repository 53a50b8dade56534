import Anthropic from "@anthropic-ai/sdk";
import type {
  Message,
  MessageCreateParamsBase,
  MessageParam,
  RawMessageStreamEvent,
} from "@anthropic-ai/sdk/resources/messages";
import type { ChatMessage, Completion, CompletionRequest, LlmClient, StopReason, ToolCall } from "./conversation.ts";
import { toLlmError } from "./errors.ts";
import type { ProviderClientOptions } from "./provider-options.ts";

/**
 * The Anthropic Messages API (or a compatible proxy) through the official SDK, which retries 429 / 5xx /
 * connection failures itself. The key travels in `x-api-key`, the header every Anthropic-compatible endpoint
 * understands.
 */
export function createAnthropicClient(options: ProviderClientOptions): LlmClient {
  const client = new Anthropic({
    baseURL: options.baseUrl,
    // Passing a key keeps the SDK from hunting for credentials of its own (environment, profiles on disk);
    // the Authorization header it would build from it is replaced by x-api-key.
    apiKey: options.apiKey ?? "no-key",
    defaultHeaders: { authorization: null, "x-api-key": options.apiKey ?? null },
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
  });

  return {
    provider: "anthropic",
    async complete(request: CompletionRequest): Promise<Completion> {
      const body: MessageCreateParamsBase = {
        model: request.model,
        system: request.system,
        max_tokens: request.maxTokens,
        messages: request.messages.map(toAnthropicMessage),
        ...(request.tools.length > 0 && {
          tools: request.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            input_schema: tool.parameters as { type: "object" },
          })),
        }),
      };
      try {
        if (options.stream) {
          return await collectStream(
            await client.messages.create({ ...body, stream: true }, { signal: request.signal }),
          );
        }
        return fromAnthropicMessage(
          await client.messages.create({ ...body, stream: false }, { signal: request.signal }),
        );
      } catch (err) {
        throw toLlmError(err, Anthropic, { provider: "anthropic", model: request.model, signal: request.signal });
      }
    },
  };
}

function toAnthropicMessage(message: ChatMessage): MessageParam {
  switch (message.role) {
    case "user":
      return { role: "user", content: message.content };
    case "assistant":
      return {
        role: "assistant",
        content: [
          ...(message.text ? [{ type: "text" as const, text: message.text }] : []),
          ...message.toolCalls.map((call) => ({
            type: "tool_use" as const,
            id: call.id,
            name: call.name,
            input: parsedInput(call.arguments),
          })),
        ],
      };
    case "tool":
      return {
        role: "user",
        content: message.results.map((result) => ({
          type: "tool_result" as const,
          tool_use_id: result.callId,
          content: result.content,
          is_error: result.isError,
        })),
      };
  }
}

/** A tool_use block must carry an object; a call whose arguments did not parse is replayed with none. */
function parsedInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function fromAnthropicMessage(message: Message): Completion {
  const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  const toolCalls = message.content.flatMap((block) =>
    block.type === "tool_use" ? [{ id: block.id, name: block.name, arguments: JSON.stringify(block.input) }] : [],
  );
  return {
    message: { text, toolCalls },
    usage: totalUsage(message.usage),
    stopReason: stopReasonOf(message.stop_reason, toolCalls.length > 0),
  };
}

/**
 * Accumulates a streamed message from its raw events. Tool input is kept as the JSON text the model wrote
 * (the SDK's own accumulator parses it, and throws on broken JSON that the tool loop should report instead).
 */
async function collectStream(events: AsyncIterable<RawMessageStreamEvent>): Promise<Completion> {
  let text = "";
  const toolCalls = new Map<number, ToolCall>();
  let usage: UsageCounts = { input_tokens: 0, output_tokens: 0 };
  let stopReason: Message["stop_reason"] = null;
  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        usage = event.message.usage;
        break;
      case "content_block_start":
        if (event.content_block.type === "tool_use") {
          toolCalls.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: "" });
        }
        break;
      case "content_block_delta": {
        const call = toolCalls.get(event.index);
        if (event.delta.type === "text_delta") text += event.delta.text;
        else if (event.delta.type === "input_json_delta" && call) call.arguments += event.delta.partial_json;
        break;
      }
      case "message_delta":
        stopReason = event.delta.stop_reason;
        usage = { ...usage, ...definedCounts(event.usage) };
        break;
      default:
        break;
    }
  }
  // A tool that takes no arguments streams no input at all.
  const calls = [...toolCalls.values()].map((call) => ({ ...call, arguments: call.arguments || "{}" }));
  return {
    message: { text, toolCalls: calls },
    usage: totalUsage(usage),
    stopReason: stopReasonOf(stopReason, calls.length > 0),
  };
}

interface UsageCounts {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/** message_delta carries cumulative counts; members it leaves null keep message_start's. */
function definedCounts(counts: Partial<Record<keyof UsageCounts, number | null>>): Partial<UsageCounts> {
  return Object.fromEntries(Object.entries(counts).filter(([, value]) => typeof value === "number"));
}

/** Anthropic's input_tokens excludes cached prompt tokens; ours counts every prompt token. */
function totalUsage(usage: UsageCounts) {
  return {
    input_tokens: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
    output_tokens: usage.output_tokens,
  };
}

function stopReasonOf(reason: Message["stop_reason"], hasToolCalls: boolean): StopReason {
  if (reason === "max_tokens" || reason === "model_context_window_exceeded") return "max_tokens";
  return hasToolCalls ? "tool_use" : "end";
}
