import type { RunItem } from "@oz/contract";
import { Link } from "react-router";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatDateTime, formatRelative, formatUsd, runDuration, SOURCE_LABEL, totalCostUsd } from "./format.ts";

/** Who ran it: the cloud agent, or "Quick run" when a person ran it as themselves. */
export function agentLabel(run: RunItem) {
  if (run.executor?.type === "service_account") return run.executor.display_name ?? "Cloud agent";
  return "Quick run";
}

/** A column's name for screen readers, which do not see the visual header row. */
const Label = ({ children }: { children: string }) => <span className="sr-only">{children}: </span>;

export function RunRow({
  run,
  environmentName,
  now,
}: {
  run: RunItem;
  environmentName: string | undefined;
  now: number;
}) {
  const duration = runDuration(run, now);
  const cost = formatUsd(totalCostUsd(run.request_usage));
  return (
    <div role="listitem">
      <Link to={`/runs/${run.run_id}`} className="run-row" data-run-id={run.run_id}>
        <span className="cell-status">
          <StatusBadge state={run.state} message={run.status_message?.message} since={run.created_at} />
        </span>
        <span className="cell-title">
          <span className="run-title">{run.title || "Untitled run"}</span>
          <span className="muted small run-sub">
            {SOURCE_LABEL[run.source ?? ""] ?? run.source ?? "—"}
            {run.schedule ? ` · ${run.schedule.schedule_name}` : ""}
            {run.agent_config?.name ? ` · ${run.agent_config.name}` : ""}
          </span>
        </span>
        <span className="cell-creator small">
          <Label>Creator</Label>
          <span>{run.creator?.display_name ?? "—"}</span>
        </span>
        <span className="cell-agent small">
          <Label>Agent</Label>
          <span>{agentLabel(run)}</span>
        </span>
        <span className="cell-env small muted">
          <Label>Environment</Label>
          <span>{environmentName ?? (run.agent_config?.environment_id ? "…" : "None")}</span>
        </span>
        <span className="cell-duration small mono">
          <Label>Duration</Label>
          <span>{duration ?? "—"}</span>
        </span>
        <span className="cell-created small muted" title={formatDateTime(run.created_at)}>
          <Label>Created</Label>
          <span>{formatRelative(run.created_at, now)}</span>
        </span>
        <span className="cell-cost small mono">
          <Label>Cost</Label>
          <span>{cost ?? "—"}</span>
        </span>
      </Link>
    </div>
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
