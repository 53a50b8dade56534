import type { NewRunEvent } from "@oz/contract";

/** Every string in an event's payload, however deep (a tool call's arguments), goes through the redactor. */
export function redactEvent(event: NewRunEvent, redact: (text: string) => string): NewRunEvent {
  return { ...event, payload: redactDeep(event.payload, redact) } as NewRunEvent;
}

function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])) as T;
  }
  return value;
}
