import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Db } from "@oz/db";
import { fireScheduleTick, type FireScheduleDeps, type TickOutcome } from "./fire-schedule.ts";
import { SCHEDULE_QUEUE, type ScheduleTickJobData, type ScheduleTriggers } from "@oz/queue";

export interface ScheduleFiringDeps {
  db: Db;
  triggers: ScheduleTriggers;
  fire: FireScheduleDeps;
  /** A connection that waits for Redis (createRedis): the consumer's, whose `ready` also triggers a reconcile. */
  connection: Redis;
  queuePrefix: string;
  reconcileIntervalMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Told of every tick handled (tests and the bench watch it). */
  onTick?(scheduleId: string, outcome: TickOutcome): void;
}

export interface ScheduleFiring {
  /** Rebuilds Redis's job schedulers from Postgres now. */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The consumer of the schedules queue, in every API process (which has the create-run path): BullMQ hands
 * each tick's job to one of them. Also the reconciler: at start, whenever its Redis connection is (again)
 * ready, and every `reconcileIntervalMs`, the job schedulers are made to match Postgres.
 */
export function startScheduleFiring(deps: ScheduleFiringDeps): ScheduleFiring {
  const worker = new Worker<ScheduleTickJobData, TickOutcome>(
    SCHEDULE_QUEUE,
    async (job) => {
      const outcome = await fireScheduleTick(deps.fire, job.data.scheduleId, tickOf(job));
      deps.onTick?.(job.data.scheduleId, outcome);
      return outcome;
    },
    { connection: deps.connection, prefix: deps.queuePrefix, concurrency: 8 },
  );
  worker.on("error", () => {}); // Redis going away is expected; the reconciler repairs what it lost
  worker.on("failed", (job, err) =>
    deps.log.warn({ scheduleId: job?.data.scheduleId, err: err.message }, "schedule tick failed; BullMQ retries it"),
  );

  let running: Promise<void> | undefined;
  const reconcile = () =>
    (running ??= reconcileOnce(deps)
      .catch((err: Error) => deps.log.warn({ err: err.message }, "schedule reconcile failed; the next one retries"))
      .finally(() => (running = undefined)));
  const onReady = () => void reconcile();
  deps.connection.on("ready", onReady);
  if (deps.connection.status === "ready") void reconcile();
  const timer = setInterval(() => void reconcile(), deps.reconcileIntervalMs);
  timer.unref();

  return {
    reconcile,
    async close() {
      clearInterval(timer);
      deps.connection.off("ready", onReady);
      await running;
      await worker.close();
    },
  };
}

/** The tick a job is for: a catch-up names it; a scheduler's job carries it as `prevMillis` (and in its id). */
function tickOf(job: Job<ScheduleTickJobData>): Date {
  if (job.data.tickAt) return new Date(job.data.tickAt);
  const millis = job.opts.prevMillis ?? Number(job.id?.split(":").at(-1));
  return new Date(Number.isFinite(millis) ? millis : job.timestamp);
}

async function reconcileOnce(deps: ScheduleFiringDeps) {
  const { restored, removed } = await deps.triggers.reconcile(() =>
    deps.db.scheduledAgent.findMany({
      where: { enabled: true },
      select: { id: true, cronSchedule: true, enabled: true, enabledAt: true, lastTickAt: true },
    }),
  );
  if (restored.length || removed.length)
    deps.log.info({ restored, removed }, "schedule triggers reconciled with Postgres");
}
