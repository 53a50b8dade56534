import { createParser } from "eventsource-parser";
import type { RunEvent } from "@oz/contract";
import { sleep, type ApiClient } from "../api/client.ts";
import { ApiError } from "../api/problem.ts";

/** Reconnections in a row, without an event in between, after which following gives up. */
const MAX_RECONNECTS = 10;

/**
 * Streams a run's transcript from its SSE route (`/agent/runs/{id}/events/stream`) until the server's `end`
 * event, which comes after the run's terminal state. A dropped connection resumes with `Last-Event-ID`, so no
 * event is lost or repeated.
 */
export async function followRunEvents(
  client: ApiClient,
  runId: string,
  onEvent: (event: RunEvent) => void,
): Promise<void> {
  let lastId: string | undefined;
  let failures = 0;
  for (;;) {
    let ended = false;
    try {
      const response = await client.send("GET", `/agent/runs/${encodeURIComponent(runId)}/events/stream`, {
        headers: { accept: "text/event-stream", ...(lastId && { "last-event-id": lastId }) },
      });
      const parser = createParser({
        onEvent: (message) => {
          if (message.event === "end") {
            ended = true;
            return;
          }
          if (message.id) lastId = message.id;
          failures = 0;
          onEvent(JSON.parse(message.data) as RunEvent);
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body) {
        parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      }
    } catch (error) {
      // A refusal (unknown run, bad key) will not change by trying again; a lost connection may.
      if (error instanceof ApiError && error.status < 500 && error.status !== 429) throw error;
      if (++failures > MAX_RECONNECTS) throw error;
    }
    if (ended) return;
    await sleep(Math.min(500 * 2 ** failures, 5_000));
  }
}
