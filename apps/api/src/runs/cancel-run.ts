import type { Principal } from "@oz/auth";
import type { RunState } from "@oz/contract";
import { isCancellableRunState } from "@oz/contract/run-states";
import { ApiError, invalid, notFound } from "@oz/errors";
import { cancelRun as cancelRunNow, type RunEngineDeps } from "@oz/runs";
import { isRunTypeCancellable } from "./run-type.ts";
import { isRunId, visibleRunWhere } from "./visibility.ts";

export interface CancelledRun {
  id: string;
  previousState: RunState;
  workerHost: string | null;
}

/** How long a client should wait before retrying the cancel of a run being prepared (≤ 60 s for every SDK). */
const PENDING_RETRY_AFTER_SECONDS = 2;
/** A cancel that keeps losing races to state changes gives up after this many readings. */
const MAX_ATTEMPTS = 3;

/**
 * `POST /agent/runs/{runId}/cancel`. Checked in the contract's order: unknown or invisible
 * → 404; local or GitHub Action run → 422; then by state. The state change goes through the state machine's
 * guarded update; when another actor moves the run first, the run is read again and judged on its new state.
 * Returns what the queue needs to follow up: a run cancelled while QUEUED has a job to withdraw, one
 * cancelled while CLAIMED/INPROGRESS has a worker to stop.
 */
export async function cancelRun(deps: RunEngineDeps, principal: Principal, runId: string): Promise<CancelledRun> {
  const { db } = deps;
  if (!isRunId(runId)) throw notFound("run", runId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const run = await db.run.findFirst({
      where: visibleRunWhere(principal, runId),
      select: { state: true, source: true, executionLocation: true },
    });
    if (!run) throw notFound("run", runId);
    if (!isRunTypeCancellable(run)) {
      throw new ApiError("operation_not_supported", "local and GitHub Action runs cannot be cancelled through the API");
    }
    if (isCancellableRunState(run.state)) {
      // The worker that holds a CLAIMED/INPROGRESS run sees CANCELLED and removes its sandbox at once.
      const cancelled = await cancelRunNow(deps, { runId, from: run.state, by: displayName(principal) });
      if (cancelled) return { id: runId, previousState: run.state, workerHost: cancelled.workerHost };
      continue;
    }
    switch (run.state) {
      case "PENDING":
        throw new ApiError("conflict", `run ${runId} is being prepared and cannot be cancelled yet; retry shortly`, {
          retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS,
        });
      default:
        throw invalid(`run ${runId} is ${run.state} and can no longer be cancelled`);
    }
  }
  throw new ApiError("conflict", `run ${runId} kept changing state while being cancelled; retry`, {
    retryAfterSeconds: PENDING_RETRY_AFTER_SECONDS,
  });
}

const displayName = (principal: Principal) => (principal.kind === "user" ? principal.displayName : principal.agentName);
