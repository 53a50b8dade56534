import type { RunItem } from "@oz/contract";
import { Link } from "react-router";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatDateTime, formatDuration, formatRelative, formatUsd, SOURCE_LABEL, totalCostUsd } from "./format.ts";

/** Who ran it: the cloud agent, or "Quick run" when a person ran it as themselves. */
export function agentLabel(run: RunItem) {
  if (run.executor?.type === "service_account") return run.executor.display_name ?? "Cloud agent";
  return "Quick run";
}

export function RunRow({ run, environmentName }: { run: RunItem; environmentName: string | undefined }) {
  const duration = formatDuration(run.run_time);
  const cost = formatUsd(totalCostUsd(run.request_usage));
  return (
    <Link to={`/runs/${run.run_id}`} className="run-row" data-run-id={run.run_id}>
      <span className="cell-status">
        <StatusBadge state={run.state} />
      </span>
      <span className="cell-title">
        <span className="run-title">{run.title || "Untitled run"}</span>
        <span className="muted small run-sub">
          {SOURCE_LABEL[run.source ?? ""] ?? run.source ?? "—"}
          {run.agent_config?.name ? ` · ${run.agent_config.name}` : ""}
        </span>
      </span>
      <span className="cell-creator small">{run.creator?.display_name ?? "—"}</span>
      <span className="cell-agent small">{agentLabel(run)}</span>
      <span className="cell-env small muted">
        {environmentName ?? (run.agent_config?.environment_id ? "…" : "None")}
      </span>
      <span className="cell-duration small mono">{duration ?? "—"}</span>
      <span className="cell-created small muted" title={formatDateTime(run.created_at)}>
        {formatRelative(run.created_at)}
      </span>
      <span className="cell-cost small mono">{cost ?? "—"}</span>
    </Link>
  );
}

export function RunListHeader() {
  return (
    <div className="run-row run-header" aria-hidden>
      <span>Status</span>
      <span>Run</span>
      <span>Creator</span>
      <span>Agent</span>
      <span>Environment</span>
      <span>Duration</span>
      <span>Created</span>
      <span>Cost</span>
    </div>
  );
}
