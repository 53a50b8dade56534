import type { AmbientAgentConfig } from "@oz/contract";
import type { Run } from "@oz/db";
import type { WorkerMetrics } from "@oz/metrics";

type RunFacts = Pick<Run, "agentConfig">;

/** The run's harness type: a label with a handful of values (the contract's enum). */
const harnessOf = (run: RunFacts) => (run.agentConfig as AmbientAgentConfig | null)?.harness?.type ?? "oz";

/**
 * Time since the run's job was enqueued (`enqueuedAt`, the job's own timestamp), at `stage`: the worker holds the
 * run (`claimed`) or its harness starts (`running`). Without an enqueue time (a run executed outside the queue)
 * nothing is recorded.
 */
export function recordDispatch(
  metrics: WorkerMetrics,
  stage: "claimed" | "running",
  run: RunFacts,
  enqueuedAt: number | undefined,
): void {
  if (enqueuedAt === undefined) return;
  metrics.dispatch.observe({ stage, harness: harnessOf(run) }, Math.max(0, Date.now() - enqueuedAt) / 1000);
}

/** This worker ended the run (not a cancel or the sweeper, which end it elsewhere). */
export function recordRunEnded(metrics: WorkerMetrics, run: RunFacts & Pick<Run, "state">): void {
  metrics.runsEnded.inc({ state: run.state, harness: harnessOf(run) });
}
