import { TERMINAL_RUN_STATES } from "@oz/contract";
import type { Run } from "@oz/db";
import { moveRun, type MoveRunDeps } from "./move-run.ts";

/**
 * A follow-up to an ended run starts a new execution of it (contract §2.9, §3.2.5): back to QUEUED through the
 * state machine, as a fresh claim (no worker, no lease, attempts from zero). Returns null when the run is not
 * ended any more (another follow-up got there first; its execution takes this message too).
 */
export function queueFollowupExecution(deps: MoveRunDeps, runId: string, message: string): Promise<Run | null> {
  return moveRun(deps, {
    runId,
    to: "QUEUED",
    from: TERMINAL_RUN_STATES,
    status: { message },
    patch: { workerId: null, leaseExpiresAt: null, endedAt: null, attempts: 0, isSandboxRunning: false },
  });
}

/** The queue job of a follow-up's execution: its own id, since the previous execution's job may still be finishing. */
export const followupJobId = (runId: string, followupId: string): string => `${runId}-followup-${followupId}`;
