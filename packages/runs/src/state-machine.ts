import type { RunState } from "@oz/contract";

/**
 * Every allowed edge of the run lifecycle, as "to ← from". A change is one guarded UPDATE
 * (`WHERE state = ANY(from)`), so when two actors race (a cancel and a worker finishing), exactly one wins and
 * the other sees `null`. BLOCKED is in the wire enum but no run enters it: it has no edges.
 */
const ALLOWED_FROM: Record<RunState, readonly RunState[]> = {
  // Retrying an infrastructure failure before the agent started, or a follow-up on an ended run.
  QUEUED: ["PENDING", "CLAIMED", "SUCCEEDED", "FAILED", "ERROR", "CANCELLED"],
  PENDING: ["QUEUED"],
  CLAIMED: ["PENDING"],
  INPROGRESS: ["CLAIMED"],
  BLOCKED: [],
  SUCCEEDED: ["INPROGRESS"],
  FAILED: ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS"],
  ERROR: ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS"],
  CANCELLED: ["QUEUED", "CLAIMED", "INPROGRESS"],
};

/** The predecessors a change to `to` may start from, narrowed to `only` when given. */
export function allowedFrom(to: RunState, only?: readonly RunState[]): RunState[] {
  return (only ?? ALLOWED_FROM[to]).filter((from) => ALLOWED_FROM[to].includes(from));
}
