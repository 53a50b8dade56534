import { createAnthropicClient } from "./anthropic-client.ts";
import type { ModelEntry } from "./catalogue.ts";
import type { LlmClient } from "./conversation.ts";
import { createOpenAiClient } from "./openai-client.ts";

export interface LlmClientTuning {
  /** Retries of 429 / 5xx / connection failures (the SDKs' backoff, honouring retry-after). Default 2. */
  maxRetries?: number;
  /** Per HTTP attempt. Default 10 minutes (long generations). */
  timeoutMs?: number;
}

/** A client for a catalogue entry. Exhaustive over the providers: a new one does not compile until handled here. */
export function createLlmClient(
  entry: ModelEntry,
  apiKey: string | undefined,
  tuning: LlmClientTuning = {},
): LlmClient {
  const options = {
    baseUrl: entry.base_url,
    apiKey,
    stream: entry.stream ?? false,
    maxRetries: tuning.maxRetries ?? 2,
    timeoutMs: tuning.timeoutMs ?? 10 * 60_000,
  };
  switch (entry.provider) {
    case "openai":
      return createOpenAiClient(options);
    case "anthropic":
      return createAnthropicClient(options);
    default: {
      const unhandled: never = entry.provider;
      throw new Error(`unhandled model provider ${String(unhandled)}`);
    }
  }
}
