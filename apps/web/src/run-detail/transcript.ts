import type { RunEvent } from "@oz/contract";

export interface OutputChunk {
  stream: "stdout" | "stderr";
  text: string;
}

/** The transcript as a person reads it: setup steps with their output, the agent's output, notes and changes. */
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
      output: OutputChunk[];
    }
  | { kind: "output"; id: string; chunks: OutputChunk[] }
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
  | { kind: "other"; id: string; at: string; type: string };

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" ? v : undefined);
const streamOf = (v: unknown): OutputChunk["stream"] => (v === "stderr" ? "stderr" : "stdout");

/**
 * Folds the event log into transcript items, oldest first. Output of a setup step joins that step; the harness's
 * consecutive output joins into one block; duplicate events (a reconnect replaying) are dropped.
 */
export function buildTranscript(events: readonly RunEvent[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  const steps = new Map<number, Extract<TranscriptItem, { kind: "setup" }>>();
  const seen = new Set<string>();
  const stepItem = (step: number, id: string) => {
    let item = steps.get(step);
    if (!item) {
      item = { kind: "setup", id, step, name: `Step ${step}`, status: "started", output: [] };
      steps.set(step, item);
      items.push(item);
    }
    return item;
  };

  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const p = event.payload;
    switch (event.type) {
      case "state":
        items.push({
          kind: "state",
          id: event.id,
          at: event.created_at,
          state: String(p.state),
          message: str(p.message),
          errorCode: str(p.error_code),
        });
        break;
      case "setup_step": {
        const item = stepItem(num(p.step) ?? 0, event.id);
        item.name = str(p.name) ?? item.name;
        if (p.status === "started" || p.status === "succeeded" || p.status === "failed") item.status = p.status;
        item.exitCode = num(p.exit_code) ?? item.exitCode;
        item.durationMs = num(p.duration_ms) ?? item.durationMs;
        break;
      }
      case "output": {
        const chunk = { stream: streamOf(p.stream), text: str(p.text) ?? "" };
        const step = num(p.step);
        if (step !== undefined) {
          stepItem(step, event.id).output.push(chunk);
          break;
        }
        const last = items.at(-1);
        if (last?.kind === "output") last.chunks.push(chunk);
        else items.push({ kind: "output", id: event.id, chunks: [chunk] });
        break;
      }
      case "harness":
        items.push({
          kind: "harness",
          id: event.id,
          at: event.created_at,
          message: str(p.message) ?? "",
          exitCode: num(p.exit_code),
        });
        break;
      case "error":
        items.push({
          kind: "error",
          id: event.id,
          at: event.created_at,
          message: str(p.message) ?? "",
          errorCode: str(p.error_code),
        });
        break;
      case "artifact":
        items.push({
          kind: "artifact",
          id: event.id,
          at: event.created_at,
          artifactUid: str(p.artifact_uid) ?? "",
          artifactType: str(p.artifact_type) ?? "FILE",
          filename: str(p.filename),
          sizeBytes: num(p.size_bytes),
        });
        break;
      default:
        items.push({ kind: "other", id: event.id, at: event.created_at, type: event.type });
    }
  }
  return items;
}

export interface TimelineEntry {
  state: string;
  at: string;
  message?: string;
}

/** The run's states in order, from the transcript's `state` events. */
export const stateTimeline = (items: readonly TranscriptItem[]): TimelineEntry[] =>
  items.flatMap((i) => (i.kind === "state" ? [{ state: i.state, at: i.at, message: i.message }] : []));
