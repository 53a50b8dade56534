import type { Db } from "@oz/db";
import { RunEventHub, RunEventLog } from "@oz/events";
import { createFailFastRedis, createRedis, RunQueues } from "@oz/queue";
import type { AppDeps } from "../deps.ts";
import { SignInThrottle } from "../sessions/sign-in-throttle.ts";
import { RunDispatcher } from "./run-dispatcher.ts";

/**
 * The API's Redis-backed parts: dispatching runs, recording transcript events, serving live streams and
 * counting failed sign-ins.
 * Request paths use a fail-fast connection (Redis down must not hang a request); the live-stream
 * subscriber waits for Redis to come back.
 */
export function createLiveDeps(
  db: Db,
  redisUrl: string,
  queuePrefix: string,
  options: { sweepIntervalMs?: number } = {},
): Pick<AppDeps, "dispatcher" | "events" | "eventHub" | "signInThrottle" | "sweeper"> & { close(): Promise<void> } {
  const requests = createFailFastRedis(redisUrl);
  const subscriber = createRedis(redisUrl);
  for (const connection of [requests, subscriber]) connection.on("error", () => {});
  const dispatcher = new RunDispatcher(requests, queuePrefix);
  const events = new RunEventLog(db, requests);
  const sweepQueues = options.sweepIntervalMs ? new RunQueues(requests, queuePrefix) : undefined;
  return {
    dispatcher,
    events,
    eventHub: new RunEventHub(subscriber),
    signInThrottle: new SignInThrottle(requests, queuePrefix),
    ...(sweepQueues && {
      sweeper: { db, events, queues: sweepQueues, redis: requests, queuePrefix, intervalMs: options.sweepIntervalMs! },
    }),
    async close() {
      await dispatcher.close();
      await sweepQueues?.close();
      for (const connection of [requests, subscriber]) {
        // quit() waits for a connection that may never come (Redis down); disconnect() does not.
        if (connection.status === "ready") await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      }
    },
  };
}
