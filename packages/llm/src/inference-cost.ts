import type { RequestUsage } from "@oz/contract";
import type { ModelEntry } from "./catalogue.ts";
import type { TokenUsage } from "./conversation.ts";

/**
 * A run's `request_usage` inference members from its token counts and the catalogue's prices. Credits are
 * dollars 1:1 on a self-hosted server. Without prices only the token counts are known, so costs are omitted.
 */
export function inferenceUsage(entry: ModelEntry, tokens: TokenUsage): Partial<RequestUsage> {
  const counts = {
    input_tokens: tokens.input_tokens,
    output_tokens: tokens.output_tokens,
    total_tokens: tokens.input_tokens + tokens.output_tokens,
  };
  if (entry.input_price_per_mtok === undefined && entry.output_price_per_mtok === undefined) return counts;
  const inputCost = ((entry.input_price_per_mtok ?? 0) * tokens.input_tokens) / 1_000_000;
  const outputCost = ((entry.output_price_per_mtok ?? 0) * tokens.output_tokens) / 1_000_000;
  const total = roundUsd(inputCost + outputCost);
  return {
    ...counts,
    inference_cost: total,
    inference_cost_usd: total,
    inference_cost_breakdown_usd: {
      input_cost_usd: roundUsd(inputCost),
      input_cache_read_cost_usd: 0,
      input_cache_write_cost_usd: 0,
      output_cost_usd: roundUsd(outputCost),
    },
  };
}

/** Micro-dollar precision: enough for a single token, without float noise like 0.30000000000000004. */
const roundUsd = (usd: number) => Math.round(usd * 1_000_000) / 1_000_000;
