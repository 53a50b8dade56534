import type { RunEvent } from "@oz/contract";
import { useEffect, useState } from "react";
import { API_BASE } from "../api/client.ts";

export type StreamStatus = "connecting" | "live" | "ended" | "disconnected";

/**
 * The run's transcript over Server-Sent Events: the stored backlog, then live events until the server's `end`
 * event. EventSource sends the session cookie and resumes with Last-Event-ID after a network blip by itself.
 * Events are applied in batches so a long backlog renders once, not once per line.
 */
export function useRunEvents(runId: string, attempt = 0) {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  // Another run (or a reconnect) starts from an empty transcript; reset while rendering, not in the effect.
  const key = `${runId}#${attempt}`;
  const [streamKey, setStreamKey] = useState(key);
  if (streamKey !== key) {
    setStreamKey(key);
    setEvents([]);
    setStatus("connecting");
  }

  useEffect(() => {
    const source = new EventSource(`${API_BASE}/agent/runs/${encodeURIComponent(runId)}/events/stream`);
    let pending: RunEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      setEvents((previous) => [...previous, ...batch]);
    };
    source.onopen = () => setStatus("live");
    source.onmessage = (message: MessageEvent<string>) => {
      pending.push(JSON.parse(message.data) as RunEvent);
      timer ??= setTimeout(flush, 50);
    };
    source.addEventListener("end", () => {
      source.close();
      if (timer) clearTimeout(timer);
      flush();
      setStatus("ended");
    });
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? "disconnected" : "connecting");
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [runId, attempt]);

  return { events, status };
}
