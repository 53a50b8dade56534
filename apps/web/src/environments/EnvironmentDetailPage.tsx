import { ArrowLeft, Boxes, Pencil } from "lucide-react";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { useEnvironments } from "../api/resources.ts";
import { isTerminal, useRunPages } from "../api/runs.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useNow } from "../components/use-now.ts";
import { usePageTitle } from "../components/use-page-title.ts";
import { RunListHeader, RunRow } from "../runs/RunRow.tsx";
import { EnvironmentDialog } from "./EnvironmentDialog.tsx";

/** One environment: its whole configuration, and the runs that used it, newest first. */
export function EnvironmentDetailPage() {
  const { environmentId = "" } = useParams();
  const environments = useEnvironments();
  const env = environments.data?.find((e) => e.uid === environmentId);
  const query = useMemo(() => ({ environment_id: environmentId, sort_by: "created_at" }), [environmentId]);
  const pages = useRunPages(query);
  const runs = pages.data?.pages.flatMap((p) => p.runs) ?? [];
  const now = useNow(runs.some((r) => !isTerminal(r.state)));
  const [editing, setEditing] = useState(false);
  usePageTitle(env ? `${env.config.name} · Environments` : "Environment");

  const back = (
    <Link to="/environments" className="back">
      <ArrowLeft size={16} aria-hidden /> Environments
    </Link>
  );
  if (environments.isPending) return <Spinner />;
  if (environments.isError) {
    return (
      <div className="page">
        {back}
        <ProblemMessage error={environments.error} onRetry={() => void environments.refetch()} />
      </div>
    );
  }
  if (!env) {
    return (
      <div className="page">
        {back}
        <EmptyState icon={<Boxes size={28} />} title="No such environment">
          It may have been deleted. Pick one from <Link to="/environments">Environments</Link>.
        </EmptyState>
      </div>
    );
  }
  const c = env.config;
  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div className="title-block">
          <h1>{c.name}</h1>
          {c.description && <p className="muted">{c.description}</p>}
          {env.setup_failed && <span className="badge bad">Setup failed on its last run</span>}
        </div>
        <button type="button" className="button" onClick={() => setEditing(true)}>
          <Pencil size={14} aria-hidden /> Edit
        </button>
      </header>
      <section className="panel">
        <dl className="facts">
          <dt>Image</dt>
          <dd className="mono">{c.docker_image}</dd>
          <dt>Network</dt>
          <dd>{c.network === "none" ? "None (no network)" : "Bridge"}</dd>
          <dt>Repositories</dt>
          <dd>
            {c.github_repos?.length
              ? c.github_repos.map((r) => `${r.owner}/${r.repo}${r.branch ? `@${r.branch}` : ""}`).join(", ")
              : "None"}
          </dd>
          <dt>Setup commands</dt>
          <dd>
            {c.setup_commands?.length ? <pre className="output small">{c.setup_commands.join("\n")}</pre> : "None"}
          </dd>
          <dt>Limits</dt>
          <dd>
            {[
              c.resources?.cpus && `${c.resources.cpus} CPU`,
              c.resources?.memory_mb && `${c.resources.memory_mb} MB`,
              c.resources?.pids_limit && `${c.resources.pids_limit} processes`,
            ]
              .filter(Boolean)
              .join(" · ") || "Platform defaults"}
          </dd>
          <dt>Secrets</dt>
          <dd>{c.secrets?.length ? c.secrets.join(", ") : "None"}</dd>
          <dt>Warm sandboxes</dt>
          <dd>{c.warm_pool?.size ? `${c.warm_pool.size} kept ready` : "None"}</dd>
        </dl>
      </section>
      <h2 className="section-title">Runs in this environment</h2>
      {pages.isError && <ProblemMessage error={pages.error} onRetry={() => void pages.refetch()} />}
      {pages.isPending ? (
        <Spinner label="Loading runs…" />
      ) : runs.length === 0 ? (
        <p className="muted">No run has used this environment yet.</p>
      ) : (
        <div className="run-list" role="list" aria-label="Runs in this environment">
          <RunListHeader />
          {runs.map((run) => (
            <RunRow key={run.run_id} run={run} now={now} environmentName={c.name} />
          ))}
        </div>
      )}
      {editing && <EnvironmentDialog environment={env} onClose={() => setEditing(false)} />}
    </div>
  );
}
