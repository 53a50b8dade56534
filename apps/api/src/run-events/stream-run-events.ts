import { isTerminalRunState } from "@oz/contract/run-states";
import type { RunEvent } from "@oz/contract";
import type { Db } from "@oz/db";
import { listRunEvents, type RunEventHub } from "@oz/events";
import type { SseWriter } from "./sse.ts";

const PAGE = 500;
/** Postgres catch-up and credential re-check period: a revoked key's stream ends within about this long. */
const POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;

const isTerminalStateEvent = (e: RunEvent) => e.type === "state" && isTerminalRunState(String(e.payload.state));

/**
 * Streams a run's transcript: the stored backlog after `afterId`, then live events from Redis, with a
 * periodic catch-up read from Postgres so a Redis outage only slows the stream down. Ends after the
 * run's terminal state event has been sent.
 */
export async function streamRunEvents(
  deps: { db: Db; hub: RunEventHub },
  sse: SseWriter,
  opts: {
    runId: string;
    afterId: string | undefined;
    runIsTerminal: () => Promise<boolean>;
    /** False once the viewer's key is revoked or their session ended: the stream then closes. */
    viewerStillAllowed: () => Promise<boolean>;
  },
): Promise<void> {
  let lastId = opts.afterId ? BigInt(opts.afterId) : 0n;
  let live: RunEvent[] | null = []; // buffered until the backlog has been sent
  let done = false;
  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));

  const finish = (last: { event: string; data: unknown } = { event: "end", data: { run_id: opts.runId } }) => {
    if (done) return;
    done = true;
    sse.named(last.event, last.data);
    sse.end();
    resolveDone();
  };
  const revoked = {
    event: "error",
    data: { error_code: "authentication_required", message: "credentials revoked or expired; the stream has ended" },
  };
  const send = (events: RunEvent[]) => {
    const fresh = events.filter((e) => BigInt(e.id) > lastId).sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
    if (fresh.length === 0) return;
    sse.events(fresh);
    lastId = BigInt(fresh.at(-1)!.id);
    if (fresh.some(isTerminalStateEvent)) finish();
  };
  const catchUp = async () => {
    for (;;) {
      const page = await listRunEvents(deps.db, opts.runId, { afterId: lastId.toString(), limit: PAGE });
      send(page);
      if (page.length < PAGE || done) return;
    }
  };

  const unsubscribe = await deps.hub.subscribe(opts.runId, (events) => {
    if (live) live.push(...events);
    else send(events);
  });
  const tick = async () => {
    if (!(await opts.viewerStillAllowed())) return finish(revoked);
    await catchUp();
  };
  const poll = setInterval(() => void tick().catch(() => {}), POLL_MS);
  const heartbeat = setInterval(() => sse.heartbeat(), HEARTBEAT_MS);
  const cleanup = () => {
    clearInterval(poll);
    clearInterval(heartbeat);
    unsubscribe();
    resolveDone();
  };
  try {
    await catchUp();
    const buffered = live;
    live = null;
    send(buffered);
    // A run that ended before this stream began may have no terminal state event after `afterId`.
    if (!done && (await opts.runIsTerminal())) {
      await catchUp();
      finish();
    }
    if (sse.isClosed) return;
    await Promise.race([finished, new Promise<void>((r) => sse.onClose(r))]);
  } finally {
    cleanup();
  }
}
