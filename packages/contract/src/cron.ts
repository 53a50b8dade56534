import { CronExpressionParser } from "cron-parser";

/**
 * `cron_schedule`: a standard 5-field cron expression (minute hour day-of-month month
 * day-of-week) evaluated in UTC. Parsing and stepping are cron-parser's; this module only pins the shape.
 */
const FIELDS = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;

/** Why `cron` is not a 5-field UTC cron expression, or undefined when it is. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== FIELDS.length) {
    return `must have 5 fields (${FIELDS.join(" ")}), evaluated in UTC; got ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(`0 ${fields.join(" ")}`, { tz: "UTC", strict: false });
    return undefined;
  } catch (err) {
    return `is not a valid cron expression: ${(err as Error).message}`;
  }
}

/**
 * The expression a scheduler steps through: the 5 fields behind a seconds field (`"0"`, the standard; a test
 * deployment may use e.g. `"*\/2"` to tick every two seconds within each matching minute).
 */
export function cronPattern(cron: string, secondsField = "0"): string {
  return `${secondsField} ${cron.trim().split(/\s+/).join(" ")}`;
}

/** The next `count` fire times strictly after `from` (UTC). */
export function nextFireTimes(cron: string, from: Date, count: number, secondsField = "0"): Date[] {
  const expression = CronExpressionParser.parse(cronPattern(cron, secondsField), { tz: "UTC", currentDate: from });
  return expression.take(count).map((d) => d.toDate());
}

/** The latest fire time at or before `at` (UTC). */
export function lastFireTimeAtOrBefore(cron: string, at: Date, secondsField = "0"): Date {
  const expression = CronExpressionParser.parse(cronPattern(cron, secondsField), {
    tz: "UTC",
    currentDate: new Date(at.getTime() + 1),
  });
  return expression.prev().toDate();
}
