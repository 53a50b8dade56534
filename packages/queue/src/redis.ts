import { Redis, type RedisOptions } from "ioredis";

/**
 * Connections for BullMQ workers and subscribers: wait for Redis to come back (BullMQ requires
 * `maxRetriesPerRequest: null`).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}

/**
 * Connections for request paths (the API enqueuing a run, publishing an event): fail fast while Redis is
 * down instead of hanging the request; the outbox reconciler catches up when it returns.
 */
export function createFailFastRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}
