import type { Db } from "@oz/db";
import { RunEventHub, RunEventLog } from "@oz/events";
import { createFailFastRedis, createRedis, RunQueues, ScheduleTriggers } from "@oz/queue";
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
  options: {
    sweepIntervalMs?: number;
    /** Fire scheduled agents in this process (and reconcile their job schedulers) at this interval. */
    scheduleReconcileIntervalMs?: number;
    /** The seconds field before every schedule's 5 cron fields ("0" unless testing). */
    scheduleSecondsField?: string;
  } = {},
): Pick<
  AppDeps,
  "dispatcher" | "events" | "eventHub" | "signInThrottle" | "sweeper" | "scheduleTriggers" | "scheduleFiring"
> & { close(): Promise<void> } {
  const requests = createFailFastRedis(redisUrl);
  const subscriber = createRedis(redisUrl);
  const firing = options.scheduleReconcileIntervalMs ? createRedis(redisUrl) : undefined;
  const connections = [requests, subscriber, ...(firing ? [firing] : [])];
  for (const connection of connections) connection.on("error", () => {});
  const dispatcher = new RunDispatcher(requests, queuePrefix);
  const events = new RunEventLog(db, requests, queuePrefix);
  const scheduleTriggers = new ScheduleTriggers(requests, queuePrefix, options.scheduleSecondsField);
  const sweepQueues = options.sweepIntervalMs ? new RunQueues(requests, queuePrefix) : undefined;
  return {
    dispatcher,
    events,
    eventHub: new RunEventHub(subscriber, queuePrefix),
    signInThrottle: new SignInThrottle(requests, queuePrefix),
    scheduleTriggers,
    ...(firing && {
      scheduleFiring: { connection: firing, queuePrefix, reconcileIntervalMs: options.scheduleReconcileIntervalMs! },
    }),
    ...(sweepQueues && {
      sweeper: { db, events, queues: sweepQueues, redis: requests, queuePrefix, intervalMs: options.sweepIntervalMs! },
    }),
    async close() {
      await dispatcher.close();
      await sweepQueues?.close();
      await scheduleTriggers.close();
      for (const connection of connections) {
        // quit() waits for a connection that may never come (Redis down); disconnect() does not.
        if (connection.status === "ready") await connection.quit().catch(() => connection.disconnect());
        else connection.disconnect();
      }
    },
  };
}
