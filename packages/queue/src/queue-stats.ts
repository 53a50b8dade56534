import type { Queue } from "bullmq";

/** Job statuses a run queue's depth is reported by. */
export const QUEUE_JOB_STATUSES = ["waiting", "prioritized", "delayed", "active"] as const;
export type QueueJobStatus = (typeof QUEUE_JOB_STATUSES)[number];

export interface QueueStats {
  counts: Record<QueueJobStatus, number>;
  /** When the oldest job waiting to be claimed was enqueued (ms since the epoch); null when none waits. */
  oldestWaitingEnqueuedAt: number | null;
}

/**
 * A queue's depth by status and its oldest waiting job: a handful of Redis reads, whatever the queue's length.
 * The wait list is read from both ends rather than trusting which end BullMQ hands out first.
 */
export async function readQueueStats(queue: Queue): Promise<QueueStats> {
  const [counts, newest, oldest] = await Promise.all([
    queue.getJobCounts(...QUEUE_JOB_STATUSES),
    queue.getJobs(["wait"], 0, 0, false),
    queue.getJobs(["wait"], 0, 0, true),
  ]);
  const timestamps = [...newest, ...oldest].map((job) => job.timestamp);
  return {
    counts: Object.fromEntries(
      QUEUE_JOB_STATUSES.map((status) => [status, counts[status] ?? 0]),
    ) as QueueStats["counts"],
    oldestWaitingEnqueuedAt: timestamps.length > 0 ? Math.min(...timestamps) : null,
  };
}
