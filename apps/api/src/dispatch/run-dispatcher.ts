import { publishCancel, publishFollowup, readQueueStats, RunQueues, type QueueStats } from "@oz/queue";
import type { Redis } from "ioredis";

interface DispatchableRun {
  id: string;
  workerHost: string | null;
  /** A follow-up's new execution has a job of its own (the run id's job may still be finishing). */
  jobId?: string;
}

/**
 * The API's side of the queue: hands accepted runs to workers and tells them to stop cancelled ones. Redis
 * being down never fails the request: the run is already safe in Postgres and the sweeper's outbox pass
 * enqueues it when Redis is back.
 */
export class RunDispatcher {
  private readonly queues: RunQueues;

  constructor(
    private readonly redis: Redis,
    private readonly queuePrefix: string,
  ) {
    this.queues = new RunQueues(redis, queuePrefix);
  }

  /** Returns the error when the run could not be enqueued now (the caller logs it; the sweeper retries). */
  async dispatch(run: DispatchableRun): Promise<Error | undefined> {
    try {
      await this.queues.enqueue(run);
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  /** A run cancelled while queued: take its job out so no worker wastes a claim on it. */
  async withdraw(run: DispatchableRun): Promise<void> {
    await this.queues.remove(run).catch(() => {});
  }

  /** A run cancelled while a worker holds it: that worker kills its sandbox. */
  async stop(runId: string): Promise<void> {
    await publishCancel(this.redis, this.queuePrefix, runId);
  }

  /** A follow-up was stored for a run a worker holds: that worker hands it to the live agent. */
  async announceFollowup(runId: string): Promise<void> {
    await publishFollowup(this.redis, this.queuePrefix, runId);
  }

  /** Depth and oldest waiting job of the run queue of `workerHost` (null = the default pool): for metrics. */
  async queueStats(workerHost: string | null): Promise<QueueStats> {
    return readQueueStats(this.queues.queue(workerHost));
  }

  async close(): Promise<void> {
    await this.queues.close();
  }
}
