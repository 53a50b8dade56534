import type { NewRunEvent } from "@oz/contract";

type Redact = (text: string) => string;

/**
 * The run's redactor (its secrets) plus the harness's own model/auth key, which only the harness knows. A key
 * shorter than 4 characters is left alone: replacing it would mangle ordinary text.
 */
export function redactorWith(redact: Redact | undefined, key: string | undefined): Redact {
  return (text) => {
    const redacted = redact ? redact(text) : text;
    return key && key.length >= 4 ? redacted.replaceAll(key, "[REDACTED]") : redacted;
  };
}

/** Every string in an event's payload, however deep (a tool call's arguments), goes through the redactor. */
export function redactEvent(event: NewRunEvent, redact: Redact): NewRunEvent {
  return { ...event, payload: redactDeep(event.payload, redact) } as NewRunEvent;
}

/** Every string in a JSON-like value, however deep, goes through the redactor. */
export function redactDeep<T>(value: T, redact: Redact): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])) as T;
  }
  return value;
}
