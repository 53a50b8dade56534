import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { cronPattern, lastFireTimeAtOrBefore } from "@oz/contract/cron";

/** The queue whose job schedulers fire scheduled agents: one scheduler per enabled schedule, id = schedule id. */
export const SCHEDULE_QUEUE = "oz-schedules";

/** A tick's job: the scheduler's own (tick = the job's `prevMillis`) or a catch-up (tick in the data). */
export interface ScheduleTickJobData {
  scheduleId: string;
  /** Only on catch-up jobs: the missed tick (ISO 8601). */
  tickAt?: string;
}

/** What the triggers need to know of a schedule. */
export interface ScheduleTiming {
  id: string;
  cronSchedule: string;
  enabled: boolean;
  enabledAt: Date;
  lastTickAt: Date | null;
}

const TICK_JOB_OPTIONS = {
  // A refusal is recorded, not thrown; what throws is Postgres or Redis being away, worth a retry.
  attempts: 5,
  backoff: { type: "exponential" as const, delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
};

/**
 * The Redis side of scheduled agents: BullMQ job schedulers (`upsertJobScheduler`), kept in line with Postgres,
 * which is the source of truth. Every change of a schedule calls {@link sync}; {@link reconcile} rebuilds what
 * Redis lost. `secondsField` is the seconds field put before the 5 cron fields ("0" unless testing).
 */
export class ScheduleTriggers {
  readonly queue: Queue<ScheduleTickJobData>;

  constructor(
    connection: Redis,
    prefix: string,
    readonly secondsField = "0",
  ) {
    this.queue = new Queue<ScheduleTickJobData>(SCHEDULE_QUEUE, { connection, prefix });
    this.queue.on("error", () => {}); // connection errors surface on the calls that need Redis
  }

  /** The pattern BullMQ steps through for a 5-field expression. */
  pattern(cron: string): string {
    return cronPattern(cron, this.secondsField);
  }

  /** Makes Redis match one schedule: a job scheduler while it is enabled, none otherwise. */
  async sync(schedule: Pick<ScheduleTiming, "id" | "cronSchedule" | "enabled">): Promise<void> {
    if (!schedule.enabled) {
      await this.queue.removeJobScheduler(schedule.id);
      return;
    }
    await this.queue.upsertJobScheduler(
      schedule.id,
      { pattern: this.pattern(schedule.cronSchedule), tz: "UTC" },
      { name: "tick", data: { scheduleId: schedule.id }, opts: TICK_JOB_OPTIONS },
    );
  }

  /**
   * Makes Redis match Postgres: schedulers for enabled schedules that lack one (or have another pattern),
   * none for the others. A schedule whose scheduler was missing had its ticks lost with Redis: its latest
   * tick since it was enabled and last handled fires once now (a catch-up job, id per tick, so several
   * processes reconciling at once add it once); older missed ticks are skipped.
   */
  async reconcile(
    loadEnabled: () => Promise<ScheduleTiming[]>,
    now = new Date(),
  ): Promise<{ restored: string[]; removed: string[] }> {
    // Redis first, Postgres second: a schedule created in between has its scheduler already and is not
    // mistaken for a stale one; one paused or deleted in between loses a scheduler it should lose.
    const existing = new Map<string, string | undefined>();
    for (const scheduler of await this.queue.getJobSchedulers(0, -1)) {
      if (scheduler.key) existing.set(scheduler.key, scheduler.pattern ?? undefined);
    }
    const enabled = await loadEnabled();
    const restored: string[] = [];
    for (const schedule of enabled) {
      const pattern = this.pattern(schedule.cronSchedule);
      if (existing.get(schedule.id) === pattern) continue;
      const lost = !existing.has(schedule.id);
      await this.sync(schedule);
      restored.push(schedule.id);
      if (lost) await this.catchUp(schedule, now);
    }
    const wanted = new Set(enabled.map((s) => s.id));
    const removed = [...existing.keys()].filter((id) => !wanted.has(id));
    for (const id of removed) await this.queue.removeJobScheduler(id);
    return { restored, removed };
  }

  private async catchUp(schedule: ScheduleTiming, now: Date) {
    const tick = lastFireTimeAtOrBefore(schedule.cronSchedule, now, this.secondsField);
    if (tick < schedule.enabledAt) return;
    if (schedule.lastTickAt && tick <= schedule.lastTickAt) return;
    await this.queue.add(
      "tick",
      { scheduleId: schedule.id, tickAt: tick.toISOString() },
      { ...TICK_JOB_OPTIONS, jobId: `catchup-${schedule.id}-${tick.getTime()}` },
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
