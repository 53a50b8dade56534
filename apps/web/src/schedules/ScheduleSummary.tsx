import type { ScheduledAgentItem } from "@oz/contract";
import { Pause, Pencil, Play } from "lucide-react";
import type { ReactNode } from "react";
import { useDeleteSchedule, useSetScheduleEnabled } from "../api/schedules.ts";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { ProblemMessage } from "../components/ProblemMessage.tsx";
import { formatRelative } from "../runs/format.ts";
import { formatUtc } from "./cron-times.ts";

/** Active or paused, at a glance. */
export function ScheduleStateBadge({ schedule }: { schedule: ScheduledAgentItem }) {
  return schedule.enabled ? <span className="badge ok">Active</span> : <span className="badge">Paused</span>;
}

/** When it fires, when it last made a run, and why its last tick could not. */
export function ScheduleFacts({
  schedule,
  now,
  children,
}: {
  schedule: ScheduledAgentItem;
  now: number;
  /** More facts (`<dt>`/`<dd>` pairs) in the same list. */
  children?: ReactNode;
}) {
  const { last_ran: lastRan = null, next_run: nextRun = null } = schedule.history ?? {};
  return (
    <dl className="facts compact">
      <dt>Cron (UTC)</dt>
      <dd className="mono">{schedule.cron_schedule}</dd>
      <dt>Next run</dt>
      <dd data-fact="next-run">
        {nextRun ? (
          <span title={formatRelative(nextRun, now)}>{formatUtc(nextRun)}</span>
        ) : schedule.enabled ? (
          "None"
        ) : (
          "Paused"
        )}
      </dd>
      <dt>Last ran</dt>
      <dd data-fact="last-ran">
        {lastRan ? <span title={formatUtc(lastRan)}>{formatRelative(lastRan, now)}</span> : "Never"}
      </dd>
      {schedule.last_spawn_error && (
        <>
          <dt>Last error</dt>
          <dd className="spawn-error" data-fact="last-spawn-error">
            {schedule.last_spawn_error}
          </dd>
        </>
      )}
      {children}
    </dl>
  );
}

/** Edit, pause or resume, delete: the same buttons on the list and on the schedule's page. */
export function ScheduleActions({
  schedule,
  onEdit,
  onDeleted,
}: {
  schedule: ScheduledAgentItem;
  onEdit: () => void;
  onDeleted?: () => void;
}) {
  const setEnabled = useSetScheduleEnabled();
  const remove = useDeleteSchedule();
  return (
    <>
      <button type="button" className="button small" onClick={onEdit}>
        <Pencil size={14} aria-hidden /> Edit
      </button>
      <button
        type="button"
        className="button small"
        disabled={setEnabled.isPending}
        onClick={() => setEnabled.mutate({ id: schedule.id, enabled: !schedule.enabled })}
      >
        {schedule.enabled ? <Pause size={14} aria-hidden /> : <Play size={14} aria-hidden />}
        {schedule.enabled ? " Pause" : " Resume"}
      </button>
      <ConfirmButton
        question={`Delete ${schedule.name}? Its runs stay.`}
        onConfirm={() => remove.mutate(schedule.id, { onSuccess: onDeleted })}
      >
        Delete
      </ConfirmButton>
      {setEnabled.isError && <ProblemMessage error={setEnabled.error} />}
      {remove.isError && <ProblemMessage error={remove.error} />}
    </>
  );
}
