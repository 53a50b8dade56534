import { cronProblem, nextFireTimes } from "@oz/contract/cron";

const UTC_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** A fire time as schedules are written, in UTC: "Mon, 7 Dec 2026, 09:00 UTC". */
export const formatUtc = (at: Date | string) => `${UTC_TIME.format(new Date(at))} UTC`;

/**
 * What a cron expression means as it is typed: the next `count` fire times after `from` (UTC), by the same
 * rules the API checks it with (`@oz/contract/cron`), or why it is not one.
 */
export function previewCron(cron: string, from: Date, count = 5): { times: Date[] } | { problem: string } {
  if (!cron.trim()) return { problem: "Write five fields: minute hour day-of-month month day-of-week." };
  const problem = cronProblem(cron);
  if (problem) return { problem: `The expression ${problem}.` };
  return { times: nextFireTimes(cron, from, count) };
}
