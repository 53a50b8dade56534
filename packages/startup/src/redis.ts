import { Redis } from "ioredis";
import { describeUrl } from "./postgres.ts";
import { permanent, waitUntil, type WaitOptions } from "./wait-until.ts";

/** Waits with backoff until Redis answers PING. A refused password is not waited out. */
export async function waitForRedis(redisUrl: string, options: WaitOptions): Promise<void> {
  await waitUntil(`Redis at ${describeUrl(redisUrl)}`, () => ping(redisUrl), options);
}

async function ping(redisUrl: string): Promise<void> {
  // One connection attempt per call: the backoff between attempts is waitUntil's, not ioredis's.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    if (/NOAUTH|WRONGPASS|invalid password/i.test((err as Error).message)) throw permanent(err);
    throw err;
  } finally {
    redis.disconnect();
  }
}
