import type { RunEvent } from "@oz/contract";
import { LineBuilder, type LogLine } from "./log-lines.ts";

export interface ToolResult {
  isError: boolean;
  output: string;
  durationMs?: number;
}

export interface TurnUsage {
  model: string;
  turn: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The transcript as a person reads it: what the agent said, each tool it called with its result, setup steps with
 * their output, process output as lines, notes, follow-ups and state changes.
 */
export type TranscriptItem =
  | { kind: "state"; id: string; at: string; state: string; message?: string; errorCode?: string }
  | {
      kind: "setup";
      id: string;
      step: number;
      name: string;
      status: "started" | "succeeded" | "failed";
      exitCode?: number;
      durationMs?: number;
      output: LogLine[];
    }
  | { kind: "output"; id: string; lines: LogLine[] }
  | { kind: "message"; id: string; at: string; text: string; turn: number }
  | {
      kind: "tool";
      id: string;
      at: string;
      callId: string;
      name: string;
      args: unknown;
      turn: number;
      result?: ToolResult;
    }
  | { kind: "usage"; id: string; at: string; usage: TurnUsage }
  | { kind: "followup"; id: string; at: string; message: string; delivery: string }
  | { kind: "harness"; id: string; at: string; message: string; exitCode?: number }
  | { kind: "error"; id: string; at: string; message: string; errorCode?: string }
  | {
      kind: "artifact";
      id: string;
      at: string;
      artifactUid: string;
      artifactType: string;
      filename?: string;
      sizeBytes?: number;
    }
  | { kind: "other"; id: string; at: string; type: string; payload: Record<string, unknown> };

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" ? v : undefined);
const streamOf = (v: unknown): LogLine["stream"] => (v === "stderr" ? "stderr" : "stdout");

/** Events in order, each once: a reconnect may replay some, and a batch may arrive out of order. */
export function orderedEvents(events: readonly RunEvent[]): RunEvent[] {
  const seen = new Set<string>();
  return [...events]
    .sort((a, b) => a.seq - b.seq)
    .filter((e) => {
      if (seen.has(e.id)) return false;
      seen.add(e.id);
      return true;
    });
}

/**
 * Folds the event log into transcript items, oldest first. A tool's result joins its call (by call id); output of
 * a setup step joins that step; the agent's consecutive output joins into one block of lines (`\r` overwrites, as in
 * a terminal). A run's closing `state` event drops its message when the agent's last words already said it.
 */
export function buildTranscript(events: readonly RunEvent[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  const steps = new Map<number, { item: Extract<TranscriptItem, { kind: "setup" }>; lines: LineBuilder }>();
  const calls = new Map<string, Extract<TranscriptItem, { kind: "tool" }>>();
  let output: { lines: LineBuilder } | undefined;
  let lastMessage: string | undefined;
  const stepOf = (step: number, id: string) => {
    let entry = steps.get(step);
    if (!entry) {
      const lines = new LineBuilder();
      entry = {
        item: { kind: "setup", id, step, name: `Step ${step}`, status: "started", output: lines.lines },
        lines,
      };
      steps.set(step, entry);
      items.push(entry.item);
    }
    return entry;
  };
  const push = (item: TranscriptItem) => {
    output = undefined;
    items.push(item);
  };

  for (const event of orderedEvents(events)) {
    const p = event.payload;
    const at = event.created_at;
    switch (event.type) {
      case "state": {
        const message = str(p.message);
        push({
          kind: "state",
          id: event.id,
          at,
          state: String(p.state),
          message: message && message.trim() === lastMessage?.trim() ? undefined : message,
          errorCode: str(p.error_code),
        });
        break;
      }
      case "setup_step": {
        const { item } = stepOf(num(p.step) ?? 0, event.id);
        item.name = str(p.name) ?? item.name;
        if (p.status === "started" || p.status === "succeeded" || p.status === "failed") item.status = p.status;
        item.exitCode = num(p.exit_code) ?? item.exitCode;
        item.durationMs = num(p.duration_ms) ?? item.durationMs;
        break;
      }
      case "output": {
        const text = str(p.text) ?? "";
        const step = num(p.step);
        if (step !== undefined) {
          stepOf(step, event.id).lines.push(text, streamOf(p.stream), at);
          break;
        }
        if (!output) {
          const lines = new LineBuilder();
          items.push({ kind: "output", id: event.id, lines: lines.lines });
          output = { lines };
        }
        output.lines.push(text, streamOf(p.stream), at);
        break;
      }
      case "agent_message":
        lastMessage = str(p.text) ?? "";
        push({ kind: "message", id: event.id, at, text: lastMessage, turn: num(p.turn) ?? 0 });
        break;
      case "tool_call": {
        const item: Extract<TranscriptItem, { kind: "tool" }> = {
          kind: "tool",
          id: event.id,
          at,
          callId: str(p.call_id) ?? event.id,
          name: str(p.name) ?? "tool",
          args: p.arguments,
          turn: num(p.turn) ?? 0,
        };
        calls.set(item.callId, item);
        push(item);
        break;
      }
      case "tool_result": {
        const result = { isError: p.is_error === true, output: str(p.output) ?? "", durationMs: num(p.duration_ms) };
        const call = calls.get(str(p.call_id) ?? "");
        if (call) call.result = result;
        else {
          // A result whose call we never saw (a transcript cut short): still show it, as its own step.
          push({
            kind: "tool",
            id: event.id,
            at,
            callId: str(p.call_id) ?? event.id,
            name: str(p.name) ?? "tool",
            args: undefined,
            turn: 0,
            result,
          });
        }
        break;
      }
      case "usage":
        push({
          kind: "usage",
          id: event.id,
          at,
          usage: {
            model: str(p.model) ?? "",
            turn: num(p.turn) ?? 0,
            inputTokens: num(p.input_tokens) ?? 0,
            outputTokens: num(p.output_tokens) ?? 0,
          },
        });
        break;
      case "followup":
        push({ kind: "followup", id: event.id, at, message: str(p.message) ?? "", delivery: str(p.delivery) ?? "" });
        break;
      case "harness":
        push({ kind: "harness", id: event.id, at, message: str(p.message) ?? "", exitCode: num(p.exit_code) });
        break;
      case "error":
        push({ kind: "error", id: event.id, at, message: str(p.message) ?? "", errorCode: str(p.error_code) });
        break;
      case "artifact":
        push({
          kind: "artifact",
          id: event.id,
          at,
          artifactUid: str(p.artifact_uid) ?? "",
          artifactType: str(p.artifact_type) ?? "FILE",
          filename: str(p.filename),
          sizeBytes: num(p.size_bytes),
        });
        break;
      default:
        push({ kind: "other", id: event.id, at, type: event.type, payload: p });
    }
  }
  return items;
}

/** Tokens over the whole run, from its `usage` events (one per model response). */
export function totalUsage(items: readonly TranscriptItem[]) {
  let inputTokens = 0;
  let outputTokens = 0;
  let turns = 0;
  for (const item of items) {
    if (item.kind !== "usage") continue;
    inputTokens += item.usage.inputTokens;
    outputTokens += item.usage.outputTokens;
    turns++;
  }
  return { inputTokens, outputTokens, turns };
}

/** The agent's last words: its final summary, shown once (the status banner defers to it). */
export const lastAgentMessage = (items: readonly TranscriptItem[]) =>
  items.findLast((i): i is Extract<TranscriptItem, { kind: "message" }> => i.kind === "message")?.text;

/** Every line of process output of the run, setup steps first as they happened: what the log view shows. */
export function buildLog(events: readonly RunEvent[]): LogLine[] {
  const builder = new LineBuilder();
  for (const event of orderedEvents(events)) {
    if (event.type !== "output") continue;
    const p = event.payload;
    builder.push(str(p.text) ?? "", streamOf(p.stream), event.created_at, num(p.step));
  }
  return builder.lines;
}
