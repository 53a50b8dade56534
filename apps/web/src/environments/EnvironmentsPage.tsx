import type { CloudEnvironment } from "@oz/contract";
import { Boxes, Pencil, Plus } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import { useDeleteEnvironment, useEnvironments } from "../api/resources.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatRelative } from "../runs/format.ts";
import { EnvironmentDialog } from "./EnvironmentDialog.tsx";

/** Where runs execute: an image, repositories to clone, setup commands, network and limits. */
export function EnvironmentsPage() {
  const environments = useEnvironments();
  const remove = useDeleteEnvironment();
  const [editing, setEditing] = useState<CloudEnvironment | "new" | null>(null);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Environments</h1>
          <p className="muted">Each run starts a fresh sandbox from its environment.</p>
        </div>
        <button type="button" className="button primary" onClick={() => setEditing("new")}>
          <Plus size={16} /> New environment
        </button>
      </header>
      {environments.isError && (
        <ProblemMessage error={environments.error} onRetry={() => void environments.refetch()} />
      )}
      {remove.isError && <ProblemMessage error={remove.error} />}
      {environments.isPending ? (
        <Spinner />
      ) : environments.data?.length === 0 ? (
        <EmptyState icon={<Boxes size={28} />} title="No environments yet">
          Create one with a Docker image (and optionally repositories and setup commands); runs without one start in an
          empty sandbox.
        </EmptyState>
      ) : (
        <div className="cards">
          {environments.data?.map((env) => (
            <article key={env.uid} className="card" data-environment={env.config.name}>
              <header className="card-header">
                <Boxes size={18} aria-hidden />
                <h3>
                  <Link to={`/environments/${env.uid}`}>{env.config.name}</Link>
                </h3>
                {env.setup_failed && <span className="badge bad">Setup failed</span>}
                <span className="badge">{env.config.network === "none" ? "No network" : "Network"}</span>
              </header>
              {env.config.description && <p className="small">{env.config.description}</p>}
              <dl className="facts compact">
                <dt>Image</dt>
                <dd className="mono">{env.config.docker_image}</dd>
                <dt>Repositories</dt>
                <dd>
                  {env.config.github_repos?.length
                    ? env.config.github_repos
                        .map((r) => `${r.owner}/${r.repo}${r.branch ? `@${r.branch}` : ""}`)
                        .join(", ")
                    : "None"}
                </dd>
                <dt>Setup</dt>
                <dd>{env.config.setup_commands?.length ? `${env.config.setup_commands.length} command(s)` : "None"}</dd>
                <dt>Limits</dt>
                <dd>
                  {[
                    env.config.resources?.cpus && `${env.config.resources.cpus} CPU`,
                    env.config.resources?.memory_mb && `${env.config.resources.memory_mb} MB`,
                    env.config.resources?.pids_limit && `${env.config.resources.pids_limit} pids`,
                  ]
                    .filter(Boolean)
                    .join(" · ") || "Platform defaults"}
                </dd>
                <dt>Last run</dt>
                <dd>
                  {env.last_task_created ? (
                    <Link to={`/runs/${env.last_task_created.id}`} className="inline-run">
                      <StatusBadge state={env.last_task_created.state} />{" "}
                      {formatRelative(env.last_task_created.created_at)}
                    </Link>
                  ) : (
                    "Never"
                  )}
                </dd>
              </dl>
              <footer className="card-actions">
                <button type="button" className="button small" onClick={() => setEditing(env)}>
                  <Pencil size={14} /> Edit
                </button>
                <ConfirmButton question={`Delete ${env.config.name}?`} onConfirm={() => remove.mutate(env.uid)}>
                  Delete
                </ConfirmButton>
              </footer>
            </article>
          ))}
        </div>
      )}
      {editing && (
        <EnvironmentDialog environment={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />
      )}
    </div>
  );
}
