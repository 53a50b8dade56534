import type { AgentGetArtifactResponse, ErrorCode, RunItem } from "@oz/contract";
import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Download } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { api } from "../api/client.ts";
import { problemOf } from "../api/problem.ts";
import { useEnvironments, useModels } from "../api/resources.ts";
import { isTerminal, useRun } from "../api/runs.ts";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { useNow } from "../components/use-now.ts";
import { usePageTitle } from "../components/use-page-title.ts";
import { formatDateTime, formatUsd, runDuration, SOURCE_LABEL, totalCostUsd } from "../runs/format.ts";
import { agentLabel } from "../runs/RunRow.tsx";
import { stateLabel } from "../runs/status.ts";
import { ADVICE } from "./advice.ts";
import { FollowupBox } from "./FollowupBox.tsx";
import { LogViewer } from "./LogViewer.tsx";
import { RunActions } from "./RunActions.tsx";
import { buildLog, buildTranscript, lastAgentMessage, totalUsage, type TranscriptItem } from "./transcript.ts";
import { Transcript } from "./Transcript.tsx";
import { useRunEvents } from "./use-run-events.ts";

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

/**
 * The header and the transcript tell one story: when the stream brings a state change the polled run has not
 * caught up with, the run takes that state at once and is read again for the rest (status message, run time).
 */
function useRunFollowsStream(runId: string, run: RunItem | undefined, items: readonly TranscriptItem[]) {
  const client = useQueryClient();
  const last = items.findLast((i) => i.kind === "state");
  const streamed = last?.kind === "state" ? last.state : undefined;
  useEffect(() => {
    if (!run || !streamed || streamed === run.state) return;
    client.setQueryData<RunItem>(["run", runId], (old) =>
      old ? { ...old, state: streamed as RunItem["state"] } : old,
    );
    void client.invalidateQueries({ queryKey: ["run", runId] });
    void client.invalidateQueries({ queryKey: ["runs"] });
    // Only a new streamed state should act, not every refetch of the run.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [streamed, last?.id]);
}

export function RunDetailPage() {
  const { runId = "" } = useParams();
  const run = useRun(runId);
  const stream = useRunEvents(runId);
  const items = useMemo(() => buildTranscript(stream.events), [stream.events]);
  const [tab, setTab] = useState<"conversation" | "log">("conversation");
  const log = useMemo(() => (tab === "log" ? buildLog(stream.events) : []), [tab, stream.events]);
  const environments = useEnvironments();
  const models = useModels();
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const onDownload = (uid: string) => {
    setDownloadError(null);
    download(uid).catch(setDownloadError);
  };
  useRunFollowsStream(runId, run.data, items);
  const running = run.data ? !isTerminal(run.data.state) : false;
  const now = useNow(running);
  usePageTitle(run.data ? `${stateLabel(run.data.state)} · ${run.data.title || "Run"}` : "Run");

  if (run.isPending) return <Spinner label="Loading run…" />;
  if (run.isError) {
    return (
      <div className="page">
        <Link to="/runs" className="back">
          <ArrowLeft size={16} aria-hidden /> Runs
        </Link>
        <ProblemMessage
          error={run.error}
          onRetry={problemOf(run.error).status === 404 ? undefined : () => void run.refetch()}
        />
      </div>
    );
  }
  const r = run.data;
  const envId = r.agent_config?.environment_id;
  const envName = environments.data?.find((e) => e.uid === envId)?.config.name;
  const code = r.status_message?.error_code;
  const cost = formatUsd(totalCostUsd(r.request_usage));
  const tokens = totalUsage(items);
  const finalWords = lastAgentMessage(items);
  // A run that ended with the agent's summary says it once, in the conversation.
  const showBanner = r.status_message?.message && r.status_message.message.trim() !== finalWords?.trim();
  const duration = runDuration(r, now);

  return (
    <div className="page run-detail">
      <Link to="/runs" className="back">
        <ArrowLeft size={16} aria-hidden /> Runs
      </Link>
      <header className="page-header">
        <div className="title-block">
          <h1>{r.title || "Untitled run"}</h1>
          <div className="meta-line">
            <StatusBadge state={r.state} message={r.status_message?.message} since={r.created_at} />
            {duration && (
              <span className="muted small mono" title="Run time">
                {duration}
              </span>
            )}
            <span className="muted small mono">{r.run_id}</span>
          </div>
        </div>
        <RunActions run={r} />
      </header>
      {downloadError !== null && <ProblemMessage error={downloadError} />}

      {showBanner && (
        <section className={`status-message ${messageTone(r.state)}`}>
          <div>
            <strong>{r.status_message!.message}</strong>
            {code && <code className="small">{code}</code>}
          </div>
          {code && ADVICE[code as ErrorCode] && <p className="small">{ADVICE[code as ErrorCode]}</p>}
          {code === "environment_setup_failed" && envId && (
            <p className="small">
              <Link to={`/environments/${envId}`}>Open the environment {envName ?? envId}</Link>
            </p>
          )}
        </section>
      )}

      <div className="detail-grid">
        <section className="panel transcript-panel">
          <div className="panel-header">
            <div className="tabs" role="tablist" aria-label="Transcript view">
              {(["conversation", "log"] as const).map((t) => (
                <button
                  key={t}
                  type="button"
                  role="tab"
                  aria-selected={tab === t}
                  className={tab === t ? "tab active" : "tab"}
                  onClick={() => setTab(t)}
                >
                  {t === "conversation" ? "Conversation" : "Log"}
                </button>
              ))}
            </div>
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
              <button type="button" className="button small" onClick={stream.resume}>
                Reconnect
              </button>
            )}
          </div>
          {tab === "log" ? (
            <LogViewer runId={r.run_id} lines={log} />
          ) : items.length === 0 ? (
            <p className="muted small pad">
              {running ? "Waiting for the run to start…" : "This run has no transcript."}
            </p>
          ) : (
            <Transcript items={items} running={running} onDownload={onDownload} prices={models.data?.models ?? []} />
          )}
          <FollowupBox
            runId={r.run_id}
            ended={!running}
            onSent={() => {
              // The stream of an ended run has closed: open it again to watch the new execution.
              if (stream.status === "ended") stream.resume();
            }}
          />
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
              <dt>Harness</dt>
              <dd>{r.agent_config?.harness?.type ?? "oz"}</dd>
              <dt>Source</dt>
              <dd>{SOURCE_LABEL[r.source ?? ""] ?? r.source ?? "—"}</dd>
              {r.schedule && (
                <>
                  <dt>Schedule</dt>
                  <dd data-fact="schedule">
                    <Link to={`/schedules/${encodeURIComponent(r.schedule.schedule_id)}`}>
                      {r.schedule.schedule_name}
                    </Link>{" "}
                    <span className="muted mono small">{r.schedule.cron_schedule}</span>
                  </dd>
                </>
              )}
              <dt>Environment</dt>
              <dd>{envId ? <Link to={`/environments/${envId}`}>{envName ?? envId}</Link> : "None"}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(r.created_at)}</dd>
              {r.started_at && (
                <>
                  <dt>Started</dt>
                  <dd>{formatDateTime(r.started_at)}</dd>
                </>
              )}
              <dt>Duration</dt>
              <dd>{duration ?? "—"}</dd>
            </dl>
          </section>
          <section className="panel">
            <h2>Usage</h2>
            <dl className="facts">
              <dt>Cost</dt>
              <dd>{cost ?? "—"}</dd>
              <dt>Tokens</dt>
              <dd>
                {tokens.turns > 0
                  ? `${tokens.inputTokens.toLocaleString("en")} in / ${tokens.outputTokens.toLocaleString("en")} out (${tokens.turns} turn${tokens.turns === 1 ? "" : "s"})`
                  : r.request_usage?.total_tokens !== undefined
                    ? r.request_usage.total_tokens.toLocaleString("en")
                    : "—"}
              </dd>
              {r.request_usage?.compute_seconds !== undefined && (
                <>
                  <dt>Compute</dt>
                  <dd>{r.request_usage.compute_seconds.toFixed(1)} s</dd>
                </>
              )}
            </dl>
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
                          <Download size={14} aria-hidden /> Download
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
