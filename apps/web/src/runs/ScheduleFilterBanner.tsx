import { CalendarClock, X } from "lucide-react";
import { Link } from "react-router";
import { useSchedule } from "../api/schedules.ts";

/** Says which schedule's runs the list is filtered to (`?schedule=<id>`), links to it, and clears the filter. */
export function ScheduleFilterBanner({ scheduleId, onClear }: { scheduleId: string; onClear: () => void }) {
  const schedule = useSchedule(scheduleId);
  return (
    <div className="filter-banner" role="status">
      <CalendarClock size={16} aria-hidden />
      <span>
        Runs of schedule{" "}
        <Link to={`/schedules/${encodeURIComponent(scheduleId)}`}>{schedule.data?.name ?? scheduleId}</Link>
      </span>
      <button type="button" className="button small" onClick={onClear}>
        <X size={14} aria-hidden /> Show all runs
      </button>
    </div>
  );
}
