import type { AgentGetArtifactResponse, ErrorCode, RunItem } from "@oz/contract";
import { ArrowLeft, Download, Square } from "lucide-react";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { api } from "../api/client.ts";
import { problemOf } from "../api/problem.ts";
import { useEnvironments } from "../api/resources.ts";
import { isTerminal, useCancelRun, useRun } from "../api/runs.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatDateTime, formatDuration, formatUsd, SOURCE_LABEL, totalCostUsd } from "../runs/format.ts";
import { agentLabel } from "../runs/RunRow.tsx";
import { STATE_LABEL } from "../runs/status.ts";
import { ADVICE } from "./advice.ts";
import { buildTranscript, stateTimeline } from "./transcript.ts";
import { Transcript } from "./Transcript.tsx";
import { useRunEvents } from "./use-run-events.ts";

/** Cancel is allowed while the run has not ended (PENDING answers 409 "retry shortly", shown as such). */
const canCancel = (run: RunItem) =>
  run.is_run_type_cancellable !== false && !isTerminal(run.state) && run.state !== "BLOCKED";

const messageTone = (state: string) =>
  state === "SUCCEEDED" ? "ok" : state === "CANCELLED" ? "neutral" : isTerminal(state) ? "bad" : "info";

async function download(artifactUid: string) {
  const artifact = await api<AgentGetArtifactResponse>(`/agent/artifacts/${encodeURIComponent(artifactUid)}`);
  if (artifact.artifact_type === "PLAN") {
    const blob = new Blob([artifact.data.content], { type: artifact.data.content_type || "text/markdown" });
    window.open(URL.createObjectURL(blob), "_blank");
  } else {
    window.location.assign(artifact.data.download_url);
  }
}

export function RunDetailPage() {
  const { runId = "" } = useParams();
  const run = useRun(runId);
  const [attempt, setAttempt] = useState(0);
  const stream = useRunEvents(runId, attempt);
  const items = useMemo(() => buildTranscript(stream.events), [stream.events]);
  const cancel = useCancelRun(runId);
  const environments = useEnvironments();
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const onDownload = (uid: string) => {
    setDownloadError(null);
    download(uid).catch(setDownloadError);
  };

  if (run.isPending) return <Spinner label="Loading run…" />;
  if (run.isError) {
    return (
      <div className="page">
        <Link to="/runs" className="back">
          <ArrowLeft size={16} /> Runs
        </Link>
        <ProblemMessage
          error={run.error}
          onRetry={problemOf(run.error).status === 404 ? undefined : () => void run.refetch()}
        />
      </div>
    );
  }
  const r = run.data;
  const running = !isTerminal(r.state);
  const envId = r.agent_config?.environment_id;
  const envName = environments.data?.find((e) => e.uid === envId)?.config.name;
  const timeline = stateTimeline(items);
  const code = r.status_message?.error_code;
  const cost = formatUsd(totalCostUsd(r.request_usage));

  return (
    <div className="page run-detail">
      <Link to="/runs" className="back">
        <ArrowLeft size={16} /> Runs
      </Link>
      <header className="page-header">
        <div className="title-block">
          <h1>{r.title || "Untitled run"}</h1>
          <div className="meta-line">
            <StatusBadge state={r.state} />
            <span className="muted small">{STATE_LABEL[r.state] ?? r.state}</span>
            <span className="muted small mono">{r.run_id}</span>
          </div>
        </div>
        {canCancel(r) && (
          <button
            type="button"
            className="button danger-outline"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            <Square size={14} /> {cancel.isPending ? "Cancelling…" : "Cancel run"}
          </button>
        )}
      </header>
      {cancel.isError && <ProblemMessage error={cancel.error} />}
      {downloadError !== null && <ProblemMessage error={downloadError} />}

      {r.status_message?.message && (
        <section className={`status-message ${messageTone(r.state)}`}>
          <div>
            <strong>{r.status_message.message}</strong>
            {code && <code className="small">{code}</code>}
          </div>
          {code && ADVICE[code as ErrorCode] && <p className="small">{ADVICE[code as ErrorCode]}</p>}
        </section>
      )}

      <div className="detail-grid">
        <section className="panel transcript-panel">
          <div className="panel-header">
            <h2>Transcript</h2>
            <span className={`stream-status ${stream.status}`}>
              {stream.status === "live"
                ? "● Live"
                : stream.status === "ended"
                  ? "Complete"
                  : stream.status === "connecting"
                    ? "Connecting…"
                    : "Disconnected"}
            </span>
            {stream.status === "disconnected" && (
              <button type="button" className="button small" onClick={() => setAttempt(attempt + 1)}>
                Reconnect
              </button>
            )}
          </div>
          {items.length === 0 ? (
            <p className="muted small pad">
              {running ? "Waiting for the run to start…" : "This run has no transcript."}
            </p>
          ) : (
            <Transcript items={items} running={running} onDownload={onDownload} />
          )}
        </section>

        <aside className="side">
          <section className="panel">
            <h2>Prompt</h2>
            <p className="prompt">{r.prompt || <span className="muted">No prompt (skill run).</span>}</p>
          </section>
          <section className="panel">
            <h2>Details</h2>
            <dl className="facts">
              <dt>Creator</dt>
              <dd>{r.creator?.display_name ?? "—"}</dd>
              <dt>Executor</dt>
              <dd>
                {agentLabel(r)}
                {r.executor?.type === "user" && r.executor.display_name ? ` (${r.executor.display_name})` : ""}
              </dd>
              <dt>Source</dt>
              <dd>{SOURCE_LABEL[r.source ?? ""] ?? r.source ?? "—"}</dd>
              <dt>Environment</dt>
              <dd>{envName ?? envId ?? "None"}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(r.created_at)}</dd>
              {r.started_at && (
                <>
                  <dt>Started</dt>
                  <dd>{formatDateTime(r.started_at)}</dd>
                </>
              )}
              <dt>Duration</dt>
              <dd>{formatDuration(r.run_time) ?? "—"}</dd>
            </dl>
          </section>
          <section className="panel">
            <h2>Usage</h2>
            {r.request_usage ? (
              <dl className="facts">
                <dt>Cost</dt>
                <dd>{cost ?? "—"}</dd>
                {r.request_usage.total_tokens !== undefined && (
                  <>
                    <dt>Tokens</dt>
                    <dd>{r.request_usage.total_tokens.toLocaleString("en")}</dd>
                  </>
                )}
                {r.request_usage.compute_seconds !== undefined && (
                  <>
                    <dt>Compute</dt>
                    <dd>{r.request_usage.compute_seconds.toFixed(1)} s</dd>
                  </>
                )}
              </dl>
            ) : (
              <p className="muted small">No usage reported yet.</p>
            )}
          </section>
          <section className="panel">
            <h2>Artifacts</h2>
            {r.artifacts?.length ? (
              <ul className="artifacts">
                {r.artifacts.map((a, i) => {
                  const uid = typeof a.data.artifact_uid === "string" ? a.data.artifact_uid : undefined;
                  const name = String(a.data.filename ?? a.data.title ?? a.data.url ?? a.artifact_type.toLowerCase());
                  return (
                    <li key={uid ?? i}>
                      <span className="small">{name}</span>
                      {uid ? (
                        <button type="button" className="button small" onClick={() => onDownload(uid)}>
                          <Download size={14} /> Download
                        </button>
                      ) : typeof a.data.url === "string" ? (
                        <a className="small" href={a.data.url} target="_blank" rel="noreferrer">
                          Open
                        </a>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="muted small">Files the agent leaves in $OZ_ARTIFACTS_DIR show up here.</p>
            )}
          </section>
          <section className="panel">
            <h2>Timeline</h2>
            {timeline.length ? (
              <ol className="timeline">
                {timeline.map((t, i) => (
                  <li key={i}>
                    <StatusBadge state={t.state} />
                    <span className="small">{STATE_LABEL[t.state] ?? t.state}</span>
                    <span className="muted small">{formatDateTime(t.at)}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted small">No state changes recorded yet.</p>
            )}
          </section>
          <section className="panel">
            <details>
              <summary>
                <h2 className="inline">Resolved configuration</h2>
              </summary>
              <pre className="output small">{JSON.stringify(r.agent_config ?? {}, null, 2)}</pre>
            </details>
          </section>
        </aside>
      </div>
    </div>
  );
}
