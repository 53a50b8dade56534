import type { RequestUsage } from "@oz/contract";
import { isActiveRunState } from "@oz/contract/run-states";

/** `PT1H2M3.5S` (the API's run_time) as "1h 2m 4s". */
export function formatDuration(iso: string | undefined, normalise = false): string | undefined {
  if (!iso) return undefined;
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso);
  if (!match) return iso;
  let [h, m, s] = [Number(match[1] ?? 0), Number(match[2] ?? 0), Math.round(Number(match[3] ?? 0))];
  if (normalise) [h, m, s] = [Math.floor(s / 3600) + h, Math.floor((s % 3600) / 60) + m, s % 60];
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/**
 * How long a run has run, as the list and the header show it: the recorded `run_time` once it ended (or between
 * executions), and while it runs, time since it started, ticking with `now`.
 */
export function runDuration(
  run: { state: string; started_at?: string | null; run_time?: string },
  now = Date.now(),
): string | undefined {
  if (isActiveRunState(run.state) && run.started_at) {
    return formatDuration(`PT${Math.max(0, (now - Date.parse(run.started_at)) / 1000).toFixed(0)}S`, true);
  }
  return formatDuration(run.run_time);
}

/** Total cost in US dollars, when the run reported any. */
export function totalCostUsd(usage: RequestUsage | undefined): number | undefined {
  if (!usage) return undefined;
  const parts = [usage.compute_cost_usd, usage.inference_cost_usd, usage.platform_cost_usd].filter(
    (v): v is number => typeof v === "number",
  );
  return parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : undefined;
}

export const formatUsd = (usd: number | undefined) =>
  usd === undefined ? undefined : usd < 0.01 && usd > 0 ? "< $0.01" : `$${usd.toFixed(2)}`;

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "5 minutes ago", "yesterday", then a date. */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return relative.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), "day");
  return formatDateTime(iso);
}

export const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });

export const SOURCE_LABEL: Record<string, string> = {
  API: "API",
  CLI: "CLI",
  WEB_APP: "Web app",
  SLACK: "Slack",
  LINEAR: "Linear",
  LOCAL: "Local",
  SCHEDULED_AGENT: "Schedule",
  GITHUB_ACTION: "GitHub Action",
  CLOUD_MODE: "Cloud mode",
  JIRA: "Jira",
  SELF_IMPROVEMENT: "Self-improvement",
  GITHUB_WEBHOOK: "GitHub webhook",
  GITLAB_WEBHOOK: "GitLab webhook",
  AUTOFIX: "Autofix",
  RUN_SCORER: "Run scorer",
  ORCHESTRATION: "Orchestration",
};
