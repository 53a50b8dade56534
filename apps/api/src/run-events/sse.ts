import type { ServerResponse } from "node:http";
import type { RunEvent } from "@oz/contract";

/** Writes Server-Sent Events: each run event as a `message` with its id, so `Last-Event-ID` resumes. */
export class SseWriter {
  private closed = false;

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    res.on("close", () => (this.closed = true));
  }

  onClose(listener: () => void) {
    if (this.closed) listener();
    else this.res.once("close", listener);
  }

  get isClosed() {
    return this.closed;
  }

  events(events: readonly RunEvent[]) {
    if (this.closed || events.length === 0) return;
    this.res.write(events.map((e) => `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`).join(""));
  }

  named(event: string, data: unknown) {
    if (!this.closed) this.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** A comment line keeps proxies from closing an idle stream. */
  heartbeat() {
    if (!this.closed) this.res.write(": keep-alive\n\n");
  }

  end() {
    if (!this.closed) this.res.end();
    this.closed = true;
  }
}
