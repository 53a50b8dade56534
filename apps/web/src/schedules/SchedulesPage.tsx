import type { ScheduledAgentItem } from "@oz/contract";
import { CalendarClock, Plus } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import { useSchedules } from "../api/schedules.ts";
import { EmptyState } from "../components/EmptyState.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useNow } from "../components/use-now.ts";
import { ScheduleDialog } from "./ScheduleDialog.tsx";
import { ScheduleActions, ScheduleFacts, ScheduleStateBadge } from "./ScheduleSummary.tsx";

/** Scheduled agents: a prompt run on a cron expression (UTC), alphabetically as the API lists them. */
export function SchedulesPage() {
  const schedules = useSchedules();
  const now = useNow(true, 15_000);
  const [editing, setEditing] = useState<ScheduledAgentItem | "new" | null>(null);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Schedules</h1>
          <p className="muted">Each schedule starts a run whenever its cron expression fires (in UTC).</p>
        </div>
        <button type="button" className="button primary" onClick={() => setEditing("new")}>
          <Plus size={16} /> New schedule
        </button>
      </header>
      {schedules.isError && <ProblemMessage error={schedules.error} onRetry={() => void schedules.refetch()} />}
      {schedules.isPending ? (
        <Spinner />
      ) : schedules.data?.length === 0 ? (
        <EmptyState icon={<CalendarClock size={28} />} title="No schedules yet">
          Create one to run a prompt every night, every Monday, or every hour, in the environment and as the agent you
          choose.
        </EmptyState>
      ) : (
        <div className="cards" role="list" aria-label="Schedules">
          {schedules.data?.map((schedule) => (
            <article key={schedule.id} className="card" role="listitem" data-schedule={schedule.name}>
              <header className="card-header">
                <CalendarClock size={18} aria-hidden />
                <h3>
                  <Link to={`/schedules/${schedule.id}`}>{schedule.name}</Link>
                </h3>
                <ScheduleStateBadge schedule={schedule} />
              </header>
              {schedule.prompt && <p className="small clamp-2">{schedule.prompt}</p>}
              <ScheduleFacts schedule={schedule} now={now} />
              <footer className="card-actions">
                <ScheduleActions schedule={schedule} onEdit={() => setEditing(schedule)} />
              </footer>
            </article>
          ))}
        </div>
      )}
      {editing && (
        <ScheduleDialog schedule={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} />
      )}
    </div>
  );
}
