/** How to reach one provider endpoint; built from a catalogue entry by createLlmClient. */
export interface ProviderClientOptions {
  baseUrl: string;
  /** Undefined for endpoints that need no key (a local Ollama or vLLM). */
  apiKey: string | undefined;
  /** Stream responses (SSE) instead of waiting for the whole body. */
  stream: boolean;
  /** Retries of 429 / 5xx / connection failures, done by the SDK with backoff. */
  maxRetries: number;
  /** Per HTTP attempt. */
  timeoutMs: number;
}
