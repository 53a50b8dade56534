import { DelayedError, Queue, Worker, type Job } from "bullmq";
import {
  createRedis,
  runCancelChannel,
  runFollowupChannel,
  runQueueName,
  RunQueues,
  workerHostKey,
  type RunJobData,
} from "@oz/queue";
import type { Redis } from "ioredis";
import type { WorkerDeps } from "./deps.ts";
import { executeRun, RetryLater, TeamAtCapacity } from "./execution/index.ts";
import { endRunsHeldHere, recoverAfterRestart, sweep, type SweepDeps } from "./sweeper.ts";
import { WarmPools, type WarmPoolStats } from "./warm-pool/warm-pools.ts";

const MAINTENANCE_QUEUE = "oz-maintenance";
const SWEEP_SCHEDULER_ID = "sweep";
/** How soon a run whose team was at its limit of runs in progress tries to claim again. */
const TEAM_SLOT_POLL_MS = 1_000;

export interface RunningWorker {
  /**
   * Stops taking runs, lets running ones finish, closes connections. With `drainMs`, runs still going after
   * that long are stopped and handed back (see handBackRuns) instead of dying with the process.
   */
  close(options?: { drainMs?: number }): Promise<void>;
  /** Runs one sweep now (tests, and the scheduler's job). */
  sweepNow(): Promise<void>;
  /** This worker's warm pools (null when it keeps none: OZ_WARM_POOL_MAX_SIZE=0). */
  poolStats(): WarmPoolStats | null;
}

/**
 * Wires a worker process: the BullMQ consumer of its run queue, the sweeper's job scheduler, the cancel
 * listener and, for a self-hosted worker, its presence key.
 */
export async function startWorker(deps: WorkerDeps, redisUrl: string): Promise<RunningWorker> {
  const { settings, log } = deps;
  const connection = createRedis(redisUrl);
  const subscriber = createRedis(redisUrl);
  const producer = createRedis(redisUrl);
  for (const c of [connection, subscriber, producer]) c.on("error", () => {}); // ioredis reconnects by itself
  const queues = new RunQueues(producer, settings.queuePrefix);
  const sweepDeps: SweepDeps = { ...deps, queues, redis: producer };

  await recoverAfterRestart(sweepDeps);
  // After the recovery, which removed the previous life's warm sandboxes with the rest of its sandboxes.
  const pools =
    (settings.warmPoolMaxSize ?? 0) > 0
      ? new WarmPools(
          { ...deps, metrics: deps.metrics.pool },
          settings.warmPoolRefreshMs === undefined ? {} : { refreshMs: settings.warmPoolRefreshMs },
        )
      : undefined;
  pools?.start();

  const runWorker = new Worker<RunJobData>(
    runQueueName(settings.workerHost),
    async (job: Job<RunJobData>, token?: string) => {
      const isFinalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      try {
        // The queues let an execution that ends as a follow-up arrives start the next one itself.
        await executeRun({ ...deps, queues, ...(pools && { pools }) }, job.data.runId, {
          isFinalAttempt,
          enqueuedAt: job.timestamp,
        });
      } catch (err) {
        if (!(err instanceof TeamAtCapacity)) throw err;
        // The run stays QUEUED; its job comes back shortly (not an attempt) and claims once a slot is free.
        await job.moveToDelayed(Date.now() + TEAM_SLOT_POLL_MS, token);
        throw new DelayedError();
      }
    },
    {
      connection,
      prefix: settings.queuePrefix,
      concurrency: settings.concurrency,
      // A run can take an hour: BullMQ renews the lock every lockDuration/2 while our event loop is free.
      // Postgres (the lease) is the truth about who runs what; a stalled job re-delivered is dropped.
      lockDuration: 60_000,
      maxStalledCount: 10,
    },
  );
  runWorker.on("failed", (job, err) => {
    if (!(err instanceof RetryLater)) log.error({ err, runId: job?.data.runId }, "run job failed");
  });
  runWorker.on("error", (err) => log.warn({ err: err.message }, "run queue connection problem"));

  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection: producer, prefix: settings.queuePrefix });
  maintenance.on("error", () => {});
  const scheduleSweeps = () =>
    maintenance
      .upsertJobScheduler(SWEEP_SCHEDULER_ID, { every: settings.sweepIntervalMs }, { name: "sweep" })
      .catch((err) => log.warn({ err: err.message }, "could not schedule the sweeper yet"));
  await scheduleSweeps();
  // Redis keeps nothing across a restart on many set-ups: re-register the scheduler whenever it comes back.
  producer.on("ready", () => void scheduleSweeps());
  const sweeper = new Worker(MAINTENANCE_QUEUE, () => sweep(sweepDeps), {
    connection,
    prefix: settings.queuePrefix,
    concurrency: 1,
  });
  sweeper.on("error", () => {});
  sweeper.on("failed", (_job, err) => log.warn({ err: err.message }, "sweep failed"));

  subscriber.on("message", (channel: string, runId: string) => {
    if (channel === runFollowupChannel(settings.queuePrefix)) {
      if (deps.active.followupArrived(runId)) log.info({ runId }, "follow-up announced for a run of this worker");
      return;
    }
    if (deps.active.stop(runId, "cancelled")) log.info({ runId }, "cancel requested: stopping the run");
  });
  await subscriber
    .subscribe(runCancelChannel(settings.queuePrefix), runFollowupChannel(settings.queuePrefix))
    .catch(() => {});

  const presence = settings.workerHost
    ? announcePresence(producer, workerHostKey(settings.queuePrefix, settings.workerHost), settings.sweepIntervalMs)
    : undefined;

  log.info(
    { workerId: settings.workerId, queue: runQueueName(settings.workerHost), concurrency: settings.concurrency },
    "worker started",
  );
  return {
    sweepNow: () => sweep(sweepDeps),
    poolStats: () => pools?.poolStats() ?? null,
    async close({ drainMs } = {}) {
      if (presence) clearInterval(presence);
      // Idle warm sandboxes go at once; runs that took one keep it until they end.
      const poolsClosed = pools?.close();
      const closing = runWorker.close();
      if (drainMs !== undefined && !(await settlesWithin(closing, drainMs))) {
        await handBackRuns(sweepDeps, deps.active, closing);
      }
      await closing;
      await poolsClosed;
      await sweeper.close();
      await maintenance.close();
      await queues.close();
      await deps.sandboxes.close().catch(() => {});
      await Promise.all([connection.quit(), subscriber.quit(), producer.quit()].map((p) => p.catch(() => {})));
    },
  };
}

/**
 * The drain ran out with runs still going: stop them (their sandboxes go), wait for their jobs to return, then
 * end them as the sweeper would a lost run — back to QUEUED for another worker if the agent had not started,
 * else ERROR agent_process_failed saying why — rather than leave them to a lease expiry after the process is gone.
 */
async function handBackRuns(deps: SweepDeps, active: WorkerDeps["active"], jobsReturned: Promise<void>) {
  const runIds = [...active.ids()];
  deps.log.warn({ runIds }, "drain time is up: stopping the runs in progress and handing them back");
  for (const runId of runIds) active.stop(runId, "lost");
  await settlesWithin(jobsReturned, 10_000);
  await endRunsHeldHere(deps, `Worker ${deps.settings.workerId} shut down`);
}

/** True if `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function announcePresence(redis: Redis, key: string, everyMs: number) {
  const ttlSeconds = Math.max(5, Math.ceil((everyMs * 3) / 1000));
  const beat = () => void redis.set(key, String(Date.now()), "EX", ttlSeconds).catch(() => {});
  beat();
  const timer = setInterval(beat, everyMs);
  timer.unref();
  return timer;
}
