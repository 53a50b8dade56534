import type { NewRunEvent } from "@oz/contract";
import { capText } from "../oz/capped-text.ts";

/** Tool output kept in a `tool_result` event; the CLI's own transcript in the sandbox has all of it. */
const TOOL_OUTPUT_LIMIT = 64 * 1024;

/**
 * Turns what a CLI reports (messages, tool calls, tool results, token counts) into our transcript events, with
 * the bookkeeping every CLI needs: turn numbers, a tool result's name (CLIs only repeat the call's id) and how
 * long the call took (from the call's event to its result's, as the lines arrived).
 */
export class TranscriptBuilder {
  private turn = 0;
  private lastResponseId: string | undefined;
  private toolResultSinceLastTurn = true;
  private readonly calls = new Map<string, { name: string; startedAt: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The turn of the model output at hand. */
  get currentTurn(): number {
    return Math.max(this.turn, 1);
  }

  /**
   * Marks model output: it belongs to the response `responseId` when the CLI says which, else to a new turn
   * when tool results came back since the last model output.
   */
  modelOutput(responseId?: string): number {
    const newTurn =
      responseId !== undefined ? responseId !== this.lastResponseId : this.toolResultSinceLastTurn || this.turn === 0;
    if (newTurn) this.turn++;
    this.lastResponseId = responseId ?? this.lastResponseId;
    this.toolResultSinceLastTurn = false;
    return this.turn;
  }

  message(text: string, responseId?: string): NewRunEvent[] {
    if (!text.trim()) return [];
    return [{ type: "agent_message", payload: { text, turn: this.modelOutput(responseId) } }];
  }

  toolCall(callId: string, name: string, args: unknown, responseId?: string): NewRunEvent[] {
    const turn = this.modelOutput(responseId);
    this.calls.set(callId, { name, startedAt: this.now() });
    return [{ type: "tool_call", payload: { call_id: callId, name, arguments: args, turn } }];
  }

  toolResult(callId: string, output: string, isError: boolean, name?: string): NewRunEvent[] {
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    this.toolResultSinceLastTurn = true;
    return [
      {
        type: "tool_result",
        payload: {
          call_id: callId,
          name: name ?? call?.name ?? "unknown",
          is_error: isError,
          output: capText(output, TOOL_OUTPUT_LIMIT, "the agent CLI's own session log has all of it"),
          duration_ms: call ? Math.max(0, Math.round(this.now() - call.startedAt)) : 0,
        },
      },
    ];
  }

  usage(model: string, tokens: { input_tokens: number; output_tokens: number }): NewRunEvent[] {
    return [{ type: "usage", payload: { model, turn: this.currentTurn, ...tokens } }];
  }

  note(message: string): NewRunEvent[] {
    return [{ type: "harness", payload: { message } }];
  }
}
