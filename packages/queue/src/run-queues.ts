import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";

/** Runs without a `worker_host` (or with `warp`) go to the default pool; self-hosted hosts get a queue each. */
export function runQueueName(workerHost: string | null | undefined): string {
  if (!workerHost || workerHost === "warp") return "oz-runs";
  return `oz-runs-host-${workerHost.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
}

export const DEFAULT_QUEUE_PREFIX = "oz";

export interface RunJobData {
  runId: string;
}

/**
 * Infrastructure failures before the agent starts are retried by BullMQ itself (attempts + backoff); the
 * worker puts the run back to QUEUED in between and to ERROR after the last attempt.
 */
export const RUN_JOB_ATTEMPTS = 3;
const RUN_JOB_OPTIONS: JobsOptions = {
  attempts: RUN_JOB_ATTEMPTS,
  backoff: { type: "exponential", delay: 1_000 },
  // Ids are run ids: freeing them lets the reconciler enqueue a run again if Redis lost its job.
  removeOnComplete: true,
  removeOnFail: true,
};

/** Producer side of run dispatch: one BullMQ queue per target pool, created on first use. */
export class RunQueues {
  private readonly queues = new Map<string, Queue<RunJobData>>();

  /** `prefix` namespaces every BullMQ key, so deployments (or test files) can share one Redis. */
  constructor(
    private readonly connection: Redis,
    private readonly prefix = DEFAULT_QUEUE_PREFIX,
  ) {}

  queue(workerHost: string | null | undefined): Queue<RunJobData> {
    const name = runQueueName(workerHost);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<RunJobData>(name, { connection: this.connection, prefix: this.prefix });
      queue.on("error", () => {}); // connection errors surface on the calls that need Redis
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Adds the run's job (jobId = run id, so adding twice is a no-op while the job exists). A follow-up's new
   * execution passes a `jobId` of its own: the previous execution's job may still be finishing.
   */
  async enqueue(run: { id: string; workerHost: string | null; jobId?: string }): Promise<void> {
    await this.queue(run.workerHost).add("run", { runId: run.id }, { ...RUN_JOB_OPTIONS, jobId: run.jobId ?? run.id });
  }

  /** Takes a queued run's job out of its queue (cancel). A job already picked up is left to the worker. */
  async remove(run: { id: string; workerHost: string | null }): Promise<void> {
    const job = await this.queue(run.workerHost).getJob(run.id);
    if (job && ((await job.isWaiting()) || (await job.isDelayed()))) await job.remove().catch(() => {});
  }

  async hasJob(run: { id: string; workerHost: string | null }): Promise<boolean> {
    return (await this.queue(run.workerHost).getJob(run.id)) != null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
