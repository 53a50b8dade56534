import type { RunState } from "@oz/contract";
import type { Run } from "@oz/db";
import { changeRunState, type RunEngineDeps } from "./state-change.ts";

/**
 * Back to QUEUED for another attempt (a sandbox that did not start, a worker lost before the agent started):
 * no worker, no lease, no sandbox. `workerId`: only while this worker holds it; `from`: only from these states.
 */
export function requeueRun(
  deps: RunEngineDeps,
  req: { runId: string; message: string; workerId?: string; from?: readonly RunState[] },
): Promise<Run | null> {
  return changeRunState(deps, {
    runId: req.runId,
    to: "QUEUED",
    from: req.from ?? ["PENDING", "CLAIMED"],
    ...(req.workerId && { workerId: req.workerId }),
    status: { message: req.message },
    columns: { workerId: null, leaseExpiresAt: null, isSandboxRunning: false, sandboxStartedAt: null },
  });
}
