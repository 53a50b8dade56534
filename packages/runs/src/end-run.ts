import type { ErrorCode, RunState, RunStatusMessage } from "@oz/contract";
import type { Prisma, Run } from "@oz/db";
import { ERROR_CATALOGUE } from "@oz/errors";
import { addUpUsage } from "./run-usage.ts";
import { changeRunState, type RunColumns, type RunEngineDeps } from "./state-change.ts";

/**
 * How a run ended: the agent succeeded, the task failed (a command's non-zero exit: FAILED with no error
 * code, since no catalogue code describes it), or an error code, whose end state the catalogue gives.
 */
export type RunOutcome = "succeeded" | "task_failed" | ErrorCode;

export interface RunEnding {
  outcome: RunOutcome;
  message: string;
  /** What this execution used; added to the run's earlier executions' (a follow-up starts another one). */
  usage?: Record<string, unknown>;
}

/** The end state of an outcome: an error code's comes from the error catalogue. */
export function endStateOf(outcome: RunOutcome): "SUCCEEDED" | "FAILED" | "ERROR" {
  if (outcome === "succeeded") return "SUCCEEDED";
  if (outcome === "task_failed") return "FAILED";
  return ERROR_CATALOGUE[outcome].runState;
}

/** A status message for a run that ends with an error code; `retryable` comes from the catalogue. */
export function statusMessage(message: string, errorCode?: ErrorCode): RunStatusMessage {
  return errorCode ? { message, error_code: errorCode, retryable: ERROR_CATALOGUE[errorCode].retryable } : { message };
}

const errorCodeOf = (outcome: RunOutcome): ErrorCode | undefined =>
  outcome === "succeeded" || outcome === "task_failed" ? undefined : outcome;

/**
 * What every end writes: when, no lease, no sandbox (whoever ends a run has its sandbox removed, or is removing it
 * at once), the time since the execution's sandbox started added to run_time, and the execution's usage.
 */
function endedColumns(run: Run, now: Date, usage: Record<string, unknown> | undefined): RunColumns {
  const ranMs = run.sandboxStartedAt ? Math.max(0, now.getTime() - run.sandboxStartedAt.getTime()) : 0;
  return {
    endedAt: now,
    isSandboxRunning: false,
    leaseExpiresAt: null,
    runTimeMs: { increment: ranMs },
    ...(usage && {
      requestUsage: addUpUsage(run.requestUsage, {
        ...usage,
        compute_seconds: Math.round(ranMs) / 1000,
      }) as Prisma.InputJsonObject,
    }),
  };
}

/**
 * Ends a run with `ending`. Returns the ended run, or null when another actor ended (or re-queued) it first.
 * `workerId`: only while this worker holds it; `from`: only from these states (e.g. the state a sweep read).
 */
export function endRun(
  deps: RunEngineDeps,
  req: { runId: string; ending: RunEnding; workerId?: string; from?: readonly RunState[] },
): Promise<Run | null> {
  const { ending } = req;
  return changeRunState(deps, {
    runId: req.runId,
    to: endStateOf(ending.outcome),
    ...(req.from && { from: req.from }),
    ...(req.workerId && { workerId: req.workerId }),
    status: statusMessage(ending.message, errorCodeOf(ending.outcome)),
    columns: (run, now) => endedColumns(run, now, ending.usage),
  });
}

/**
 * Cancels a run from the state the caller read (`from`). The run ends here, not in the worker that holds it
 * (whose own ending then finds it ended and which removes the sandbox at once), so its end is recorded here.
 */
export function cancelRun(
  deps: RunEngineDeps,
  req: { runId: string; from: RunState; by: string },
): Promise<Run | null> {
  return changeRunState(deps, {
    runId: req.runId,
    to: "CANCELLED",
    from: [req.from],
    status: { message: `Cancelled by ${req.by}` },
    columns: (run, now) => endedColumns(run, now, undefined),
  });
}
