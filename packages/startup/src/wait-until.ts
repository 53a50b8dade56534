import pRetry, { AbortError } from "p-retry";

/** What start-up logs: pino's logger fits. */
export interface StartupLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Thrown when a service is still not there when the start-up deadline passes. */
export class StartupTimeout extends Error {
  override name = "StartupTimeout";
}

export interface WaitOptions {
  log: StartupLog;
  /** Give up after this long (the error says what was awaited and the last reason). */
  timeoutMs: number;
  /** First pause between attempts; doubles up to `maxDelayMs`. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Calls `attempt` until it succeeds, with exponential backoff, logging what it waits for and why. `attempt`
 * throws `permanent(err)` for an error that waiting cannot fix (a wrong password), which ends the wait at once.
 */
export async function waitUntil<T>(what: string, attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const { log, timeoutMs, minDelayMs = 250, maxDelayMs = 5_000 } = options;
  const started = performance.now();
  let lastReason = "";
  try {
    const result = await pRetry(attempt, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: minDelayMs,
      maxTimeout: maxDelayMs,
      factor: 2,
      maxRetryTime: timeoutMs,
      onFailedAttempt: ({ error, attemptNumber, retryDelay }) => {
        lastReason = reasonOf(error);
        log.warn(
          { waitingFor: what, reason: lastReason, attempt: attemptNumber, retryInMs: Math.round(retryDelay) },
          `waiting for ${what}: ${lastReason}`,
        );
      },
    });
    if (lastReason) log.info({ waitingFor: what, waitedMs: Math.round(performance.now() - started) }, `${what} is up`);
    return result;
  } catch (err) {
    if (err instanceof AbortError) throw err.originalError;
    if (!lastReason || performance.now() - started < timeoutMs) throw err;
    throw new StartupTimeout(
      `gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s (last error: ${lastReason}); ` +
        "check that it runs and that the URL is right, or raise OZ_STARTUP_TIMEOUT_SECONDS",
      { cause: err },
    );
  }
}

/** Marks an error that retrying cannot fix. */
export function permanent(err: unknown): Error {
  return new AbortError(err instanceof Error ? err : new Error(String(err)));
}

function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0]);
  const e = err as { code?: string; message?: string };
  const message = e.message || e.code || String(err);
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
