import type { RunItem, RunsPage } from "@oz/contract";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api } from "../api/client.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { formatUsd } from "../runs/format.ts";
import { summarizeUsage, totalOf, type UsageGrouping, type UsageRow } from "./usage.ts";

/** The most runs the page adds up (20 pages of 100); it says so when a period has more. */
const MAX_PAGES = 20;

/** Every run of the team created since `since`, newest first, up to MAX_PAGES pages. */
async function runsSince(since: string, signal: AbortSignal): Promise<{ runs: RunItem[]; truncated: boolean }> {
  const runs: RunItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api<RunsPage>("/agent/runs", {
      query: { created_after: since, sort_by: "created_at", limit: 100, cursor },
      signal,
    });
    runs.push(...res.runs);
    if (!res.page_info.has_next_page) return { runs, truncated: false };
    cursor = res.page_info.next_cursor;
  }
  return { runs, truncated: true };
}

const GROUPS: { by: UsageGrouping; title: string; column: string }[] = [
  { by: "day", title: "By day", column: "Day (UTC)" },
  { by: "agent", title: "By agent", column: "Agent" },
  { by: "model", title: "By model", column: "Model" },
];

function UsageTable({ rows, column }: { rows: UsageRow[]; column: string }) {
  const total = totalOf(rows);
  return (
    <table className="table usage-table">
      <thead>
        <tr>
          <th>{column}</th>
          <th className="right">Runs</th>
          <th className="right">Compute</th>
          <th className="right">Tokens</th>
          <th className="right">Cost</th>
        </tr>
      </thead>
      <tbody>
        {[...rows, total].map((r) => (
          <tr key={r.key} className={r === total ? "total" : undefined}>
            <td>{r.key}</td>
            <td className="right mono">{r.runs.toLocaleString("en")}</td>
            <td className="right mono">{Math.round(r.computeSeconds).toLocaleString("en")} s</td>
            <td className="right mono">{r.tokens.toLocaleString("en")}</td>
            <td className="right mono">{formatUsd(r.costUsd) ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the team's runs used: runs, sandbox compute, tokens and cost, by day, agent and model. */
export function UsagePage() {
  const [days, setDays] = useState(7);
  // Midnight UTC `days - 1` days ago, so "7 days" is this week's seven calendar days.
  const since = useMemo(() => {
    const start = new Date();
    start.setUTCHours(0, 0, 0, 0);
    start.setUTCDate(start.getUTCDate() - (days - 1));
    return start.toISOString();
  }, [days]);
  const usage = useQuery({ queryKey: ["usage", since], queryFn: ({ signal }) => runsSince(since, signal) });

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Usage</h1>
          <p className="muted">What the team&apos;s runs used, from each run&apos;s reported usage.</p>
        </div>
        <label className="field-inline">
          <span className="small muted">Period</span>
          <select value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label="Period">
            <option value={1}>Today</option>
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
          </select>
        </label>
      </header>
      {usage.isError && <ProblemMessage error={usage.error} onRetry={() => void usage.refetch()} />}
      {usage.isPending ? (
        <Spinner label="Adding up runs…" />
      ) : usage.data ? (
        <>
          {usage.data.truncated && (
            <p className="small muted" role="note">
              Only the newest {usage.data.runs.length.toLocaleString("en")} runs of this period are counted.
            </p>
          )}
          {usage.data.runs.length === 0 ? (
            <p className="muted">No runs in this period.</p>
          ) : (
            <div className="usage-grid">
              {GROUPS.map((g) => (
                <section key={g.by} className="panel">
                  <h2>{g.title}</h2>
                  <UsageTable rows={summarizeUsage(usage.data.runs, g.by)} column={g.column} />
                </section>
              ))}
            </div>
          )}
        </>
      ) : null}
    </div>
  );
}
