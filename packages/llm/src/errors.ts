/** A provider call that failed for good: the SDK's own retries of 429 / 5xx / connection errors are spent. */
export class LlmProviderError extends Error {
  override name = "LlmProviderError";
  constructor(
    readonly provider: string,
    readonly model: string,
    /** The HTTP status of the last attempt; undefined when no response came (connection refused, timeout). */
    readonly status: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider} model ${model}: ${status === undefined ? "no response" : `HTTP ${status}`}: ${detail}`, options);
  }

  /** Rate limits, server errors and unreachable endpoints: the provider, not the request, is at fault. */
  get transient(): boolean {
    return this.status === undefined || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The caller's signal aborted the request. */
export class LlmAbortedError extends Error {
  override name = "LlmAbortedError";
  constructor() {
    super("the model request was aborted");
  }
}

interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error & { status: number | undefined };
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

/** Maps whatever an SDK threw to our two error types, keeping the SDK's message (it names the failure). */
export function toLlmError(
  err: unknown,
  sdk: SdkErrorClasses,
  where: { provider: string; model: string; signal?: AbortSignal },
): Error {
  if (err instanceof LlmProviderError || err instanceof LlmAbortedError) return err;
  if (err instanceof sdk.APIUserAbortError || where.signal?.aborted) return new LlmAbortedError();
  const status = err instanceof sdk.APIError ? err.status : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  return new LlmProviderError(where.provider, where.model, status, detail, { cause: err });
}
