import type { Redis } from "ioredis";

// Pub/sub channels live under the deployment's queue prefix (OZ_QUEUE_PREFIX), like its queue keys, so that
// deployments sharing one Redis never stop or wake each other's runs.

/** Channel on which the API tells workers to stop a run (cancel). Workers ignore runs they do not hold. */
export const runCancelChannel = (prefix: string) => `${prefix}:run-cancel`;

export async function publishCancel(redis: Redis, prefix: string, runId: string): Promise<void> {
  try {
    await redis.publish(runCancelChannel(prefix), runId);
  } catch {
    // Redis is down: the worker's lease loop notices the CANCELLED state within one renewal.
  }
}

/** Channel on which the API tells workers a follow-up was sent to a run (its text is in Postgres). */
export const runFollowupChannel = (prefix: string) => `${prefix}:run-followup`;

export async function publishFollowup(redis: Redis, prefix: string, runId: string): Promise<void> {
  try {
    await redis.publish(runFollowupChannel(prefix), runId);
  } catch {
    // Redis is down: the follow-up waits in Postgres; the agent takes it before it finishes.
  }
}

/** Self-hosted worker hosts announce themselves so a run for an unknown host can say so. */
export const workerHostKey = (prefix: string, host: string) => `${prefix}:worker-host:${host}`;

export async function isWorkerHostConnected(redis: Redis, prefix: string, host: string): Promise<boolean | undefined> {
  try {
    return (await redis.exists(workerHostKey(prefix, host))) === 1;
  } catch {
    return undefined; // unknown while Redis is down
  }
}
