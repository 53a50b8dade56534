import type { NewRunEvent } from "@oz/contract";
import {
  LlmAbortedError,
  LlmProviderError,
  type ChatMessage,
  type LlmClient,
  type TokenUsage,
  type ToolCall,
  type ToolResult,
} from "@oz/llm";
import { z } from "zod";
import type { ConversationStore, FollowupSource } from "../port.ts";
import { redactDeep, redactEvent } from "../redaction.ts";
import { defineTool, type AgentTool } from "./agent-tool.ts";
import { closeDanglingToolCalls } from "./conversation-history.ts";
import type { ToolLoopLimits } from "./limits.ts";
import { parseArguments, runToolCall } from "./run-tool-call.ts";

export interface ToolLoopInput {
  client: LlmClient;
  /** The provider's model name. */
  model: string;
  system: string;
  prompt: string;
  /** The conversation of earlier executions of the run, continued with `prompt` (a follow-up). */
  history?: readonly ChatMessage[];
  /** Follow-ups sent while the loop runs: each becomes a user message before the next model turn. */
  followups?: FollowupSource;
  /** Where the conversation is kept after every turn (secrets redacted), for a later execution. */
  conversation?: Pick<ConversationStore, "save">;
  tools: readonly AgentTool[];
  limits: ToolLoopLimits;
  emit(events: NewRunEvent[]): Promise<unknown>;
  redact(text: string): string;
  signal: AbortSignal;
  /** Asked before every model turn with the usage so far: a message ends the loop (`stopped`) instead. */
  beforeTurn?(usage: TokenUsage): Promise<string | undefined>;
}

export type ToolLoopEnd =
  | { kind: "finished"; outcome: "succeeded" | "failed"; summary: string }
  | { kind: "out_of_turns" }
  | { kind: "aborted" }
  | { kind: "provider_failed"; error: LlmProviderError }
  /** `beforeTurn` said stop (the team's budget is spent). */
  | { kind: "budget_exceeded"; message: string };

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
  const messages: ChatMessage[] = [
    ...closeDanglingToolCalls(input.history ?? []),
    { role: "user", content: input.prompt },
  ];
  const usage: TokenUsage = { input_tokens: 0, output_tokens: 0 };
  const emit = (events: NewRunEvent[]) => input.emit(events.map((event) => redactEvent(event, input.redact)));
  const saveConversation = async () => {
    try {
      await input.conversation?.save(redactDeep(closeDanglingToolCalls(messages), input.redact));
    } catch {
      // Keeping the history is for a later follow-up; failing to do so must not fail this execution.
    }
  };
  const result = async (end: ToolLoopEnd, turns: number): Promise<ToolLoopResult> => {
    await saveConversation();
    return { end, usage, turns };
  };
  /** Follow-ups that arrived, as user messages; `recheck` before finishing reads the backlog regardless. */
  const takeFollowups = async (turn: number, recheck: boolean): Promise<number> => {
    const arrived = (await input.followups?.take({ recheck })) ?? [];
    if (arrived.length === 0) return 0;
    for (const message of arrived) messages.push({ role: "user", content: message });
    await emit([{ type: "harness", payload: { message: followupNote(arrived.length, `before turn ${turn}`) } }]);
    return arrived.length;
  };

  for (let turn = 1; turn <= limits.maxTurns; turn++) {
    if (signal.aborted) return result({ kind: "aborted" }, turn - 1);
    const stop = await input.beforeTurn?.(usage);
    if (stop !== undefined) return result({ kind: "budget_exceeded", message: stop }, turn - 1);
    await takeFollowups(turn, false);
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
      // The user may have said more while the model answered: the agent is not done until it has read it.
      if ((await takeFollowups(turn + 1, true)) > 0) continue;
      // A model that answers without calling a tool is done; its answer is the summary.
      return result(
        { kind: "finished", outcome: "succeeded", summary: text.trim() || "The agent finished without a summary." },
        turn,
      );
    }

    const results: ToolResult[] = [];
    /** Follow-ups that stopped a `finish`: they come after this turn's tool results. */
    const lateFollowups: string[] = [];
    for (const call of toolCalls) {
      if (call.name === "finish") {
        const finish = FinishInput.safeParse(parseArguments(call.arguments));
        if (finish.success) {
          const late = (await input.followups?.take({ recheck: true })) ?? [];
          if (late.length === 0) {
            const finished = { callId: call.id, content: "finished", isError: false };
            messages.push({ role: "tool", results: [...results, finished] });
            return result(
              { kind: "finished", outcome: finish.data.outcome ?? "succeeded", summary: finish.data.summary },
              turn,
            );
          }
          // Not done yet: the model reads the follow-ups and carries on.
          lateFollowups.push(...late);
          results.push({ callId: call.id, content: NOT_FINISHED, isError: false });
          continue;
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
    if (lateFollowups.length > 0) {
      for (const message of lateFollowups) messages.push({ role: "user", content: message });
      await emit([
        { type: "harness", payload: { message: followupNote(lateFollowups.length, "as it was finishing") } },
      ]);
    }
    await saveConversation();
  }
  return result({ kind: "out_of_turns" }, limits.maxTurns);
}

const followupNote = (count: number, when: string) =>
  `The agent received ${count === 1 ? "a follow-up message" : `${count} follow-up messages`} ${when}.`;

const NOT_FINISHED =
  "Not finished: the user sent a follow-up message while you were finishing (it follows). Address it, then call finish again.";

function toolCallEvent(call: ToolCall, turn: number): NewRunEvent {
  const args = parseArguments(call.arguments);
  // Arguments that did not parse are shown as the model wrote them.
  return {
    type: "tool_call",
    payload: { call_id: call.id, name: call.name, arguments: typeof args === "string" ? call.arguments : args, turn },
  };
}
