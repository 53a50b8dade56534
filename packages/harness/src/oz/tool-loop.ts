import type { NewRunEvent } from "@oz/contract";
import {
  LlmAbortedError,
  LlmProviderError,
  type ChatMessage,
  type LlmClient,
  type TokenUsage,
  type ToolCall,
} from "@oz/llm";
import { z } from "zod";
import { defineTool, type AgentTool } from "./agent-tool.ts";
import type { ToolLoopLimits } from "./limits.ts";
import { parseArguments, runToolCall } from "./run-tool-call.ts";

export interface ToolLoopInput {
  client: LlmClient;
  /** The provider's model name. */
  model: string;
  system: string;
  prompt: string;
  tools: readonly AgentTool[];
  limits: ToolLoopLimits;
  emit(events: NewRunEvent[]): Promise<unknown>;
  redact(text: string): string;
  signal: AbortSignal;
}

export type ToolLoopEnd =
  | { kind: "finished"; outcome: "succeeded" | "failed"; summary: string }
  | { kind: "out_of_turns" }
  | { kind: "aborted" }
  | { kind: "provider_failed"; error: LlmProviderError };

export interface ToolLoopResult {
  end: ToolLoopEnd;
  usage: TokenUsage;
  turns: number;
}

const FinishInput = z.object({
  summary: z.string().min(1).describe("What was done (or why it could not be done): the run's status message."),
  outcome: z
    .enum(["succeeded", "failed"])
    .optional()
    .describe('"failed" when the task could not be done. Default "succeeded".'),
});

/** The tool that ends the run; the loop handles it itself (its `run` only validates). */
const finishTool = defineTool({
  name: "finish",
  description: "Ends the task. Call it once the work is done and checked, with a short summary of what you did.",
  input: FinishInput,
  run: async () => "finished",
});

/**
 * The agent: ask the model, run the tools it calls in the sandbox, hand back the results, until it calls
 * `finish` (or answers without calling a tool), runs out of turns, is cancelled or its provider fails for good.
 * Every model message, tool call and tool result is emitted as it happens, secrets redacted.
 */
export async function runToolLoop(input: ToolLoopInput): Promise<ToolLoopResult> {
  const { client, limits, signal } = input;
  const tools = new Map([...input.tools, finishTool].map((tool) => [tool.spec.name, tool]));
  const specs = [...tools.values()].map((tool) => tool.spec);
  const messages: ChatMessage[] = [{ role: "user", content: input.prompt }];
  const usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
  const result = (end: ToolLoopEnd, turns: number): ToolLoopResult => ({ end, usage, turns });
  const emit = (events: NewRunEvent[]) => input.emit(events.map((event) => redactEvent(event, input.redact)));

  for (let turn = 1; turn <= limits.maxTurns; turn++) {
    if (signal.aborted) return result({ kind: "aborted" }, turn - 1);
    let completion;
    try {
      completion = await client.complete({
        model: input.model,
        system: input.system,
        messages,
        tools: specs,
        maxTokens: limits.maxResponseTokens,
        signal,
      });
    } catch (err) {
      if (err instanceof LlmAbortedError) return result({ kind: "aborted" }, turn - 1);
      if (err instanceof LlmProviderError) return result({ kind: "provider_failed", error: err }, turn - 1);
      throw err;
    }
    usage.input_tokens += completion.usage.input_tokens;
    usage.output_tokens += completion.usage.output_tokens;
    const { text, toolCalls } = completion.message;
    messages.push({ role: "assistant", text, toolCalls });
    await emit([
      ...(text ? [{ type: "agent_message" as const, payload: { text, turn } }] : []),
      ...toolCalls.map((call) => toolCallEvent(call, turn)),
      { type: "usage", payload: { model: input.model, turn, ...completion.usage } },
    ]);

    if (toolCalls.length === 0) {
      if (completion.stopReason === "max_tokens") {
        messages.push({
          role: "user",
          content: "Your answer was cut off at the response length limit. Continue, in smaller steps.",
        });
        continue;
      }
      // A model that answers without calling a tool is done; its answer is the summary.
      return result(
        { kind: "finished", outcome: "succeeded", summary: text.trim() || "The agent finished without a summary." },
        turn,
      );
    }

    const results = [];
    for (const call of toolCalls) {
      if (call.name === "finish") {
        const finish = FinishInput.safeParse(parseArguments(call.arguments));
        if (finish.success) {
          return result(
            { kind: "finished", outcome: finish.data.outcome ?? "succeeded", summary: finish.data.summary },
            turn,
          );
        }
      }
      const started = performance.now();
      const outcome = await runToolCall(tools, call, signal);
      results.push({ callId: call.id, ...outcome });
      await emit([
        {
          type: "tool_result",
          payload: {
            call_id: call.id,
            name: call.name,
            is_error: outcome.isError,
            output: outcome.content,
            duration_ms: Math.round(performance.now() - started),
          },
        },
      ]);
      if (signal.aborted) return result({ kind: "aborted" }, turn);
    }
    messages.push({ role: "tool", results });
  }
  return result({ kind: "out_of_turns" }, limits.maxTurns);
}

function toolCallEvent(call: ToolCall, turn: number): NewRunEvent {
  const args = parseArguments(call.arguments);
  // Arguments that did not parse are shown as the model wrote them.
  return {
    type: "tool_call",
    payload: { call_id: call.id, name: call.name, arguments: typeof args === "string" ? call.arguments : args, turn },
  };
}

/** Every string in an event's payload, however deep, goes through the redactor. */
function redactEvent(event: NewRunEvent, redact: (text: string) => string): NewRunEvent {
  return { ...event, payload: redactDeep(event.payload, redact) } as NewRunEvent;
}

function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])) as T;
  }
  return value;
}
