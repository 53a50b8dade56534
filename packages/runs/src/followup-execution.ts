import { TERMINAL_RUN_STATES } from "@oz/contract/run-states";
import type { Run } from "@oz/db";
import { changeRunState, type RunEngineDeps } from "./state-change.ts";

/**
 * A follow-up to an ended run starts a new execution of it: back to QUEUED, as a fresh
 * claim (no worker, no lease, no sandbox, attempts from zero). Returns null when the run is not ended any more
 * (another follow-up got there first; its execution takes this message too).
 */
export function queueFollowupExecution(deps: RunEngineDeps, runId: string, message: string): Promise<Run | null> {
  return changeRunState(deps, {
    runId,
    to: "QUEUED",
    from: TERMINAL_RUN_STATES,
    status: { message },
    columns: {
      workerId: null,
      leaseExpiresAt: null,
      endedAt: null,
      attempts: 0,
      isSandboxRunning: false,
      sandboxStartedAt: null,
    },
  });
}

/** The queue job of a follow-up's execution: its own id, since the previous execution's job may still be finishing. */
export const followupJobId = (runId: string, followupId: string): string => `${runId}-followup-${followupId}`;
