import type { RunItem } from "@oz/contract";
import { totalCostUsd } from "../runs/format.ts";

export interface UsageRow {
  key: string;
  runs: number;
  computeSeconds: number;
  tokens: number;
  costUsd: number;
}

export type UsageGrouping = "day" | "agent" | "model";

/** Which group a run counts in: its creation day (UTC), its executor, or the model it asked for. */
function groupOf(run: RunItem, by: UsageGrouping): string {
  switch (by) {
    case "day":
      return run.created_at.slice(0, 10);
    case "agent":
      return run.executor?.type === "service_account" ? (run.executor.display_name ?? "Cloud agent") : "Quick runs";
    case "model":
      return (
        run.agent_config?.harness?.model_id ??
        run.agent_config?.model_id ??
        `${run.agent_config?.harness?.type ?? "oz"} default`
      );
  }
}

const tokensOf = (run: RunItem) =>
  run.request_usage?.total_tokens ?? (run.request_usage?.input_tokens ?? 0) + (run.request_usage?.output_tokens ?? 0);

/** Runs, compute seconds, tokens and cost per group, largest cost first (days: newest first). */
export function summarizeUsage(runs: readonly RunItem[], by: UsageGrouping): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const run of runs) {
    const key = groupOf(run, by);
    const row = rows.get(key) ?? { key, runs: 0, computeSeconds: 0, tokens: 0, costUsd: 0 };
    row.runs++;
    row.computeSeconds += run.request_usage?.compute_seconds ?? 0;
    row.tokens += tokensOf(run);
    row.costUsd += totalCostUsd(run.request_usage) ?? 0;
    rows.set(key, row);
  }
  const list = [...rows.values()];
  return by === "day"
    ? list.sort((a, b) => b.key.localeCompare(a.key))
    : list.sort((a, b) => b.costUsd - a.costUsd || b.runs - a.runs);
}

/** The sum of every row. */
export const totalOf = (rows: readonly UsageRow[]): UsageRow =>
  rows.reduce(
    (t, r) => ({
      key: "Total",
      runs: t.runs + r.runs,
      computeSeconds: t.computeSeconds + r.computeSeconds,
      tokens: t.tokens + r.tokens,
      costUsd: t.costUsd + r.costUsd,
    }),
    { key: "Total", runs: 0, computeSeconds: 0, tokens: 0, costUsd: 0 },
  );
