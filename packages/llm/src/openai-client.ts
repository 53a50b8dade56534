import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { ChatMessage, Completion, CompletionRequest, LlmClient, StopReason, ToolSpec } from "./conversation.ts";
import { toLlmError } from "./errors.ts";
import type { ProviderClientOptions } from "./provider-options.ts";

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LiteLLM …) through the official SDK,
 * which retries 429 / 5xx / connection failures with backoff and honours `retry-after`.
 */
export function createOpenAiClient(options: ProviderClientOptions): LlmClient {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // A keyless local server (Ollama) still needs a value for the SDK; the header is then dropped below.
    apiKey: options.apiKey ?? "no-key",
    // Explicit nulls, so the SDK never picks up the worker's own OPENAI_* variables for a team's model.
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    defaultHeaders: options.apiKey === undefined ? { authorization: null } : undefined,
  });

  return {
    provider: "openai",
    async complete(request: CompletionRequest): Promise<Completion> {
      const body: ChatCompletionCreateParamsBase = {
        model: request.model,
        messages: [{ role: "system", content: request.system }, ...request.messages.flatMap(toOpenAiMessages)],
        max_completion_tokens: request.maxTokens,
        ...(request.tools.length > 0 && { tools: request.tools.map(toOpenAiTool) }),
      };
      try {
        const completion = options.stream
          ? await client.chat.completions
              .stream({ ...body, stream: true, stream_options: { include_usage: true } }, { signal: request.signal })
              .finalChatCompletion()
          : await client.chat.completions.create({ ...body, stream: false }, { signal: request.signal });
        return fromOpenAiCompletion(completion);
      } catch (err) {
        throw toLlmError(err, OpenAI, { provider: "openai", model: request.model, signal: request.signal });
      }
    },
  };
}

function toOpenAiTool(tool: ToolSpec): ChatCompletionTool {
  return {
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

function toOpenAiMessages(message: ChatMessage): ChatCompletionMessageParam[] {
  switch (message.role) {
    case "user":
      return [{ role: "user", content: message.content }];
    case "assistant":
      return [
        {
          role: "assistant",
          content: message.text || null,
          ...(message.toolCalls.length > 0 && {
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: "function" as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
        },
      ];
    case "tool":
      // The wire format has no error flag for a tool message, so a failure says so in its text.
      return message.results.map((result) => ({
        role: "tool" as const,
        tool_call_id: result.callId,
        content: result.isError ? `Error: ${result.content}` : result.content,
      }));
  }
}

function fromOpenAiCompletion(completion: ChatCompletion): Completion {
  const choice = completion.choices[0];
  const toolCalls = (choice?.message.tool_calls ?? []).flatMap((call, index) =>
    call.type === "function"
      ? [{ id: call.id || `call_${index}`, name: call.function.name, arguments: call.function.arguments ?? "" }]
      : [],
  );
  return {
    message: { text: choice?.message.content ?? "", toolCalls },
    usage: {
      input_tokens: completion.usage?.prompt_tokens ?? 0,
      output_tokens: completion.usage?.completion_tokens ?? 0,
    },
    stopReason: stopReasonOf(choice?.finish_reason, toolCalls.length > 0),
  };
}

function stopReasonOf(finishReason: string | null | undefined, hasToolCalls: boolean): StopReason {
  if (finishReason === "length") return "max_tokens";
  // Some compatible servers say "stop" even when they return tool calls: the calls are what counts.
  return hasToolCalls ? "tool_use" : "end";
}
