import type { ModelEntry } from "./catalogue.ts";
import type { Completion, CompletionRequest, LlmClient } from "./conversation.ts";
import type { ProviderClientOptions } from "./provider-options.ts";

export interface LlmClientTuning {
  /** Retries of 429 / 5xx / connection failures (the SDKs' backoff, honouring retry-after). Default 2. */
  maxRetries?: number;
  /** Per HTTP attempt. Default 10 minutes (long generations). */
  timeoutMs?: number;
}

/**
 * A client for a catalogue entry. Exhaustive over the providers: a new one does not compile until handled here.
 * The provider's SDK is imported on the first completion, not here: the API imports this package only for the
 * model catalogue, and loading both SDKs would cost every process that never talks to a model ~15 MB.
 */
export function createLlmClient(
  entry: ModelEntry,
  apiKey: string | undefined,
  tuning: LlmClientTuning = {},
): LlmClient {
  const options: ProviderClientOptions = {
    baseUrl: entry.base_url,
    apiKey,
    stream: entry.stream ?? false,
    maxRetries: tuning.maxRetries ?? 2,
    timeoutMs: tuning.timeoutMs ?? 10 * 60_000,
  };
  let client: Promise<LlmClient> | undefined;
  return {
    provider: entry.provider,
    async complete(request: CompletionRequest): Promise<Completion> {
      client ??= loadProviderClient(entry.provider, options);
      return (await client).complete(request);
    },
  };
}

async function loadProviderClient(
  provider: ModelEntry["provider"],
  options: ProviderClientOptions,
): Promise<LlmClient> {
  switch (provider) {
    case "openai":
      return (await import("./openai-client.ts")).createOpenAiClient(options);
    case "anthropic":
      return (await import("./anthropic-client.ts")).createAnthropicClient(options);
    default: {
      const unhandled: never = provider;
      throw new Error(`unhandled model provider ${String(unhandled)}`);
    }
  }
}
