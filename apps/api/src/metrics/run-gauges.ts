import { LIVE_RUN_STATES } from "@oz/contract/run-states";
import { HarnessType } from "@oz/contract";
import type { Db } from "@oz/db";
import type { ApiMetrics } from "@oz/metrics";
import { runQueueName, type QueueStats } from "@oz/queue";

/** How often run counts and queue depths are read; a scrape only copies the last reading. */
export const RUN_GAUGES_INTERVAL_MS = 5_000;

/** Runs not yet ended (BLOCKED is in the wire enum, but no run here enters it, so it has no series). */
const IN_FLIGHT_STATES = LIVE_RUN_STATES;

export interface RunGaugeSources {
  db: Db;
  /** Depth and oldest waiting job of the run queue of `workerHost` (null = the default pool). */
  queueStats(workerHost: string | null): Promise<QueueStats>;
}

export interface RunGauges {
  /** Reads PostgreSQL and Redis now (the timer does it every interval). */
  refresh(): Promise<void>;
  close(): void;
}

/**
 * Keeps `oz_runs`, `oz_run_queue_jobs` and `oz_run_queue_oldest_job_age_seconds` current from a background
 * timer, so a scrape never waits on a query however many runs are in flight. A failed reading (Redis or
 * PostgreSQL away) keeps the previous figures and is reported once per outage.
 */
export function startRunGauges(
  metrics: Pick<ApiMetrics, "runs" | "queueJobs" | "queueOldestJobAge">,
  sources: RunGaugeSources,
  options: { intervalMs?: number; onError: (err: Error) => void },
): RunGauges {
  let failing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const refresh = async () => {
    try {
      await Promise.all([refreshRuns(metrics, sources.db), refreshQueues(metrics, sources)]);
      failing = false;
    } catch (err) {
      if (!failing) options.onError(err as Error);
      failing = true;
    }
  };
  const loop = async () => {
    await refresh();
    if (!closed) timer = setTimeout(() => void loop(), options.intervalMs ?? RUN_GAUGES_INTERVAL_MS).unref();
  };
  void loop();
  return {
    refresh,
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Runs not yet ended, by state and harness. The states are compared as the enum, not as text, so PostgreSQL
 * reads them from the `(state, lease_expires_at)` index: the cost follows the runs in flight, not the history
 * (bench/README.md, "scrape").
 */
export function countRunsInFlight(db: Db): Promise<{ state: string; harness: string; runs: number }[]> {
  return db.$queryRaw`
    SELECT state::text AS state, coalesce(agent_config #>> '{harness,type}', 'oz') AS harness, count(*)::int AS runs
    FROM runs WHERE state = ANY(CAST(${IN_FLIGHT_STATES} AS "RunState"[])) GROUP BY 1, 2`;
}

/** Every state × harness pair is set (0 when none), so a series never vanishes. */
async function refreshRuns(metrics: Pick<ApiMetrics, "runs">, db: Db) {
  const rows = await countRunsInFlight(db);
  for (const state of IN_FLIGHT_STATES)
    for (const harness of HarnessType.options) metrics.runs.set({ state, harness }, 0);
  for (const row of rows) metrics.runs.set({ state: row.state, harness: row.harness }, row.runs);
}

/** Every run queue: the default pool's and one per registered worker host. */
async function refreshQueues(metrics: Pick<ApiMetrics, "queueJobs" | "queueOldestJobAge">, sources: RunGaugeSources) {
  const hosts = await sources.db.teamWorkerHost.findMany({ select: { host: true } });
  const readings = await Promise.all(
    [null, ...hosts.map(({ host }) => host)].map(async (host) => ({
      queue: runQueueName(host),
      stats: await sources.queueStats(host),
    })),
  );
  const now = Date.now();
  metrics.queueJobs.reset();
  metrics.queueOldestJobAge.reset();
  for (const { queue, stats } of readings) {
    for (const [status, jobs] of Object.entries(stats.counts)) metrics.queueJobs.set({ queue, status }, jobs);
    const oldest = stats.oldestWaitingEnqueuedAt;
    metrics.queueOldestJobAge.set({ queue }, oldest === null ? 0 : Math.max(0, now - oldest) / 1000);
  }
}
