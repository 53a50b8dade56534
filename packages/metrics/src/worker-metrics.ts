import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { DISPATCH_BUCKETS, SANDBOX_START_BUCKETS } from "./buckets.ts";
import { definePoolMetrics, type PoolMetrics } from "./pool-metrics.ts";
import { createRegistry, type RegistryOptions } from "./registry.ts";

/** What a worker process records. Label values are bounded enums (states, harness types, error codes). */
export interface WorkerMetrics {
  registry: Registry;
  /** Enqueue → `stage`: `claimed` (the worker holds the run) or `running` (INPROGRESS: the harness starts). */
  dispatch: Histogram<"stage" | "harness">;
  /** Time to start one sandbox (create until it is ready for commands). */
  sandboxStart: Histogram;
  /** Sandboxes that failed to start, by the sandbox error's code. */
  sandboxStartFailures: Counter<"reason">;
  /** Runs this worker ended, by end state and harness. */
  runsEnded: Counter<"state" | "harness">;
  /** Runs this worker is executing now. */
  activeRuns: Gauge;
  pool: PoolMetrics;
}

/** Figures a scrape reads from the worker itself rather than from calls that record them. */
export interface WorkerMetricSources {
  /** How many runs the worker executes now. */
  activeRuns?: () => number;
}

export function defineWorkerMetrics(registry: Registry, sources: WorkerMetricSources = {}): WorkerMetrics {
  return {
    registry,
    dispatch: new Histogram({
      name: "oz_run_dispatch_seconds",
      help: "Time from a run's enqueue until a worker claimed it (stage=claimed) or its harness started (stage=running).",
      labelNames: ["stage", "harness"],
      buckets: DISPATCH_BUCKETS,
      registers: [registry],
    }),
    sandboxStart: new Histogram({
      name: "oz_sandbox_start_seconds",
      help: "Time to start a sandbox, from the create request until it is ready for commands.",
      buckets: SANDBOX_START_BUCKETS,
      registers: [registry],
    }),
    sandboxStartFailures: new Counter({
      name: "oz_sandbox_start_failures_total",
      help: "Sandboxes that failed to start, by reason (the sandbox error's code).",
      labelNames: ["reason"],
      registers: [registry],
    }),
    runsEnded: new Counter({
      name: "oz_runs_ended_total",
      help: "Runs this worker ended, by end state and harness.",
      labelNames: ["state", "harness"],
      registers: [registry],
    }),
    activeRuns: new Gauge({
      name: "oz_worker_active_runs",
      help: "Runs this worker is executing now.",
      registers: [registry],
      collect() {
        if (sources.activeRuns) this.set(sources.activeRuns());
      },
    }),
    pool: definePoolMetrics(registry),
  };
}

/** A worker's registry (process metrics included) with every worker metric defined on it. */
export function createWorkerMetrics(options: RegistryOptions & WorkerMetricSources = {}): WorkerMetrics {
  return defineWorkerMetrics(createRegistry(options), options);
}
