import type { Run } from "@oz/db";
import { RUN_JOB_ATTEMPTS, type RunQueues } from "@oz/queue";
import { isStartedRunState } from "@oz/contract/run-states";
import { endRun, requeueRun, type RunEngineDeps } from "@oz/runs";
import type { Redis } from "ioredis";

/** What sweeping needs; the worker adds sandbox removal, the API (no Docker) does not. */
export interface RunSweepDeps extends RunEngineDeps {
  queues: Pick<RunQueues, "enqueue" | "hasJob">;
  /** For cancel messages and worker-host presence; may be down. */
  redis: Redis;
  /** Namespace of the queue keys (worker-host presence lives under it). */
  queuePrefix: string;
  /**
   * Removes a run's sandboxes before it is ended or re-queued, so a run that reads as ended has no container.
   * Absent in the API: the next worker sweep on the sandbox's Docker host removes it (its run has ended).
   */
  removeSandboxesOf?: (runId: string) => Promise<void>;
}

/**
 * Ends (or, before the agent started, retries) runs whose worker is gone. A run that reached INPROGRESS is
 * never re-executed silently: it ends in ERROR with a message saying what happened.
 */
export async function endLostRuns(deps: RunSweepDeps, runs: Run[], why: string): Promise<void> {
  for (const run of runs) {
    await deps.removeSandboxesOf?.(run.id);
    const started = isStartedRunState(run.state);
    if (!started && run.attempts < RUN_JOB_ATTEMPTS) {
      const requeued = await requeueRun(deps, {
        runId: run.id,
        from: [run.state],
        message: `${why} before the run started; it has been queued again.`,
      });
      if (requeued) await deps.queues.enqueue(requeued).catch(() => {});
    } else {
      await endRun(deps, {
        runId: run.id,
        from: [run.state],
        ending: started
          ? {
              outcome: "agent_process_failed",
              message: `${why} while the agent was running; its work was lost. Start a new run.`,
            }
          : {
              outcome: "resource_unavailable",
              message: `${why}; the run could not be started after ${run.attempts} attempts.`,
            },
      });
    }
  }
}
