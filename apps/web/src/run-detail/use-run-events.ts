import type { RunEvent } from "@oz/contract";
import { useCallback, useEffect, useRef, useState } from "react";
import { API_BASE } from "../api/client.ts";

export type StreamStatus = "connecting" | "live" | "ended" | "disconnected";

/**
 * The run's transcript over Server-Sent Events: the stored backlog, then live events until the server's `end`
 * event. EventSource sends the session cookie and resumes with Last-Event-ID after a network blip by itself.
 * `resume()` opens the stream again after the last event held (after a disconnect, or when a follow-up starts a
 * new execution of an ended run): the events so far stay, and the old end of the run is not read again.
 * Events are applied in batches so a long backlog renders once, not once per line.
 */
export function useRunEvents(runId: string) {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [attempt, setAttempt] = useState(0);
  const lastId = useRef<string | undefined>(undefined);
  // Another run starts from an empty transcript; reset while rendering, not in the effect.
  const [shownRun, setShownRun] = useState(runId);
  if (shownRun !== runId) {
    setShownRun(runId);
    setEvents([]);
    setStatus("connecting");
    setAttempt(0);
  }

  useEffect(() => {
    const after = attempt > 0 ? lastId.current : undefined;
    if (attempt === 0) lastId.current = undefined;
    const query = after ? `?after=${encodeURIComponent(after)}` : "";
    const source = new EventSource(`${API_BASE}/agent/runs/${encodeURIComponent(runId)}/events/stream${query}`);
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
      const event = JSON.parse(message.data) as RunEvent;
      lastId.current = event.id;
      pending.push(event);
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

  const resume = useCallback(() => {
    setStatus("connecting");
    setAttempt((n) => n + 1);
  }, []);
  return { events, status, resume };
}
