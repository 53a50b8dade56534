import type { RunEvent } from "@oz/contract";
import type { Redis } from "ioredis";

/**
 * One Redis channel per run, so any API replica can serve any run's live stream; under the deployment's queue
 * prefix (OZ_QUEUE_PREFIX), so deployments sharing one Redis never see each other's events.
 */
export const runEventsChannel = (prefix: string, runId: string) => `${prefix}:run-events:${runId}`;

/** Best effort: Postgres is the log; a missed publish only delays a live viewer until its next poll. */
export async function publishRunEvents(
  redis: Redis,
  prefix: string,
  runId: string,
  events: readonly RunEvent[],
): Promise<void> {
  if (events.length === 0) return;
  try {
    await redis.publish(runEventsChannel(prefix, runId), JSON.stringify(events));
  } catch {
    // Redis is down: viewers catch up from Postgres.
  }
}

type Listener = (events: RunEvent[]) => void;

/**
 * Multiplexes every live-stream viewer of this process over one subscriber connection: a channel is
 * subscribed while at least one viewer of that run is connected.
 */
export class RunEventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    subscriber.on("message", (channel: string, message: string) => {
      if (!channel.startsWith(runEventsChannel(prefix, ""))) return;
      const runId = channel.slice(runEventsChannel(prefix, "").length);
      const set = this.listeners.get(runId);
      if (!set) return;
      let events: RunEvent[];
      try {
        events = JSON.parse(message) as RunEvent[];
      } catch {
        return;
      }
      for (const listener of set) listener(events);
    });
  }

  /** Resolves once the subscription is active, so nothing published afterwards is missed. */
  async subscribe(runId: string, listener: Listener): Promise<() => void> {
    let set = this.listeners.get(runId);
    if (!set) {
      set = new Set();
      this.listeners.set(runId, set);
      try {
        await this.subscriber.subscribe(runEventsChannel(this.prefix, runId));
      } catch {
        // Redis is down: the viewer still gets events by polling Postgres.
      }
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(runId) === set) {
        this.listeners.delete(runId);
        void this.subscriber.unsubscribe(runEventsChannel(this.prefix, runId)).catch(() => {});
      }
    };
  }
}
