import { ArrowLeft, CalendarClock, ListFilter } from "lucide-react";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { problemOf } from "../api/problem.ts";
import { useEnvironments } from "../api/resources.ts";
import { isTerminal, useRunPages } from "../api/runs.ts";
import { useSchedule } from "../api/schedules.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useNow } from "../components/use-now.ts";
import { usePageTitle } from "../components/use-page-title.ts";
import { RunListHeader, RunRow } from "../runs/RunRow.tsx";
import { ScheduleDialog } from "./ScheduleDialog.tsx";
import { ScheduleActions, ScheduleFacts, ScheduleStateBadge } from "./ScheduleSummary.tsx";

/** One schedule: what each run gets, when it fires, and the runs it made (the run list by `schedule_id`). */
export function ScheduleDetailPage() {
  const { scheduleId = "" } = useParams();
  const navigate = useNavigate();
  const schedule = useSchedule(scheduleId);
  const environments = useEnvironments();
  const query = useMemo(() => ({ schedule_id: scheduleId, sort_by: "created_at", sort_order: "desc" }), [scheduleId]);
  const pages = useRunPages(query);
  const runs = pages.data?.pages.flatMap((p) => p.runs) ?? [];
  const now = useNow(true, runs.some((r) => !isTerminal(r.state)) ? 1000 : 15_000);
  const [editing, setEditing] = useState(false);
  usePageTitle(schedule.data ? `${schedule.data.name} · Schedules` : "Schedule");

  const back = (
    <Link to="/schedules" className="back">
      <ArrowLeft size={16} aria-hidden /> Schedules
    </Link>
  );
  if (schedule.isPending) return <Spinner />;
  if (schedule.isError) {
    const gone = problemOf(schedule.error).status === 404;
    return (
      <div className="page">
        {back}
        {gone ? (
          <EmptyState icon={<CalendarClock size={28} />} title="No such schedule">
            It may have been deleted; its runs stay in <Link to="/runs">Runs</Link>.
          </EmptyState>
        ) : (
          <ProblemMessage error={schedule.error} onRetry={() => void schedule.refetch()} />
        )}
      </div>
    );
  }
  const s = schedule.data;
  const environmentId = s.agent_config?.environment_id;
  const environmentName =
    s.environment?.name ?? environments.data?.find((e) => e.uid === environmentId)?.config.name ?? environmentId;
  return (
    <div className="page">
      {back}
      <header className="page-header">
        <div className="title-block">
          <h1>{s.name}</h1>
          <ScheduleStateBadge schedule={s} />
        </div>
        <div className="card-actions">
          <ScheduleActions
            schedule={s}
            onEdit={() => setEditing(true)}
            onDeleted={() => void navigate("/schedules", { replace: true })}
          />
        </div>
      </header>
      <section className="panel">
        <ScheduleFacts schedule={s} now={now}>
          <dt>Prompt</dt>
          <dd className="pre-wrap">{s.prompt || "—"}</dd>
          <dt>Environment</dt>
          <dd>{environmentId ? <Link to={`/environments/${environmentId}`}>{environmentName}</Link> : "None"}</dd>
          <dt>Mode</dt>
          <dd>{s.mode ?? "normal"}</dd>
          <dt>Owner</dt>
          <dd>{s.scope?.type === "User" ? "Personal" : "Team"}</dd>
          {s.metadata && (
            <>
              <dt>Metadata</dt>
              <dd className="mono">
                {Object.entries(s.metadata)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(", ")}
              </dd>
            </>
          )}
          <dt>Last edited by</dt>
          <dd>{s.updated_by?.display_name ?? s.updated_by?.email ?? "—"}</dd>
        </ScheduleFacts>
      </section>
      <header className="section-header">
        <h2 className="section-title">Runs of this schedule</h2>
        <Link to={`/runs?schedule=${encodeURIComponent(s.id)}`} className="button small">
          <ListFilter size={14} aria-hidden /> Open in Runs
        </Link>
      </header>
      {pages.isError && <ProblemMessage error={pages.error} onRetry={() => void pages.refetch()} />}
      {pages.isPending ? (
        <Spinner label="Loading runs…" />
      ) : runs.length === 0 ? (
        <p className="muted">No run yet: the first comes at the next fire time.</p>
      ) : (
        <div className="run-list" role="list" aria-label="Runs of this schedule">
          <RunListHeader />
          {runs.map((run) => (
            <RunRow
              key={run.run_id}
              run={run}
              now={now}
              environmentName={environments.data?.find((e) => e.uid === run.agent_config?.environment_id)?.config.name}
            />
          ))}
        </div>
      )}
      {editing && <ScheduleDialog schedule={s} onClose={() => setEditing(false)} />}
    </div>
  );
}
