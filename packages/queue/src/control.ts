import type { Redis } from "ioredis";

/** Channel on which the API tells workers to stop a run (cancel). Workers ignore runs they do not hold. */
export const RUN_CANCEL_CHANNEL = "oz:run-cancel";

export async function publishCancel(redis: Redis, runId: string): Promise<void> {
  try {
    await redis.publish(RUN_CANCEL_CHANNEL, runId);
  } catch {
    // Redis is down: the worker's lease loop notices the CANCELLED state within one renewal.
  }
}

/** Channel on which the API tells workers a follow-up was sent to a run (its text is in Postgres). */
export const RUN_FOLLOWUP_CHANNEL = "oz:run-followup";

export async function publishFollowup(redis: Redis, runId: string): Promise<void> {
  try {
    await redis.publish(RUN_FOLLOWUP_CHANNEL, runId);
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
