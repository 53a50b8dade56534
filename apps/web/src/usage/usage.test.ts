import { RunItem } from "@oz/contract";
import { describe, expect, it } from "vitest";
import { summarizeUsage, totalOf } from "./usage.ts";

const run = (over: Record<string, unknown>): RunItem =>
  RunItem.parse({
    run_id: crypto.randomUUID(),
    task_id: "t",
    title: "r",
    prompt: "p",
    state: "SUCCEEDED",
    created_at: "2026-03-02T10:00:00Z",
    updated_at: "2026-03-02T10:00:00Z",
    ...over,
  });

describe("usage", () => {
  const runs = [
    run({
      executor: { type: "service_account", display_name: "Nightly bot" },
      agent_config: { model_id: "fast" },
      request_usage: { compute_seconds: 30, input_tokens: 100, output_tokens: 20, inference_cost_usd: 0.5 },
    }),
    run({
      created_at: "2026-03-03T09:00:00Z",
      executor: { type: "user", display_name: "Ada" },
      agent_config: { harness: { type: "claude", model_id: "claude-sonnet-4-5" } },
      request_usage: { compute_seconds: 12.5, total_tokens: 3000, inference_cost_usd: 0.25, compute_cost_usd: 0.1 },
    }),
    run({ created_at: "2026-03-03T11:00:00Z", agent_config: { harness: { type: "command" } } }),
  ];

  it("adds up runs, compute, tokens and cost per day, newest day first", () => {
    expect(summarizeUsage(runs, "day")).toEqual([
      { key: "2026-03-03", runs: 2, computeSeconds: 12.5, tokens: 3000, costUsd: 0.35 },
      { key: "2026-03-02", runs: 1, computeSeconds: 30, tokens: 120, costUsd: 0.5 },
    ]);
  });

  it("groups by agent and by model, largest cost first, and totals them", () => {
    expect(summarizeUsage(runs, "agent").map((r) => [r.key, r.runs])).toEqual([
      ["Nightly bot", 1],
      ["Quick runs", 2],
    ]);
    expect(summarizeUsage(runs, "model").map((r) => r.key)).toEqual(["fast", "claude-sonnet-4-5", "command default"]);
    expect(totalOf(summarizeUsage(runs, "model"))).toMatchObject({ runs: 3, tokens: 3120, computeSeconds: 42.5 });
  });
});
