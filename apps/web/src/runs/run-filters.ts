import type { RunSourceType } from "@oz/contract";
import type { QueryValue } from "../api/client.ts";
import { DISPLAY_STATUSES, STATES_OF_STATUS, type DisplayStatus } from "./status.ts";

/**
 * The runs page's filters. They live in the URL, so a filtered list can be shared, survives a reload and
 * the back button: `?tab=personal&status=failed&status=working&source=API&from=2026-01-01&q=deploy`.
 */
export interface RunFilters {
  /** "personal": runs the signed-in user created; "all": the whole team's. */
  tab: "all" | "personal";
  statuses: DisplayStatus[];
  source?: RunSourceType | undefined;
  creator?: string | undefined;
  /** The executing agent (cloud agent uid, or a user for quick runs). */
  agent?: string | undefined;
  configName?: string | undefined;
  environment?: string | undefined;
  /** Runs of one scheduled agent (`schedule_id`), e.g. from the schedule's page. */
  schedule?: string | undefined;
  /** Creation days, inclusive, as YYYY-MM-DD in the viewer's time zone. */
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const text = (params: URLSearchParams, key: string) => params.get(key)?.trim() || undefined;

export function filtersFromSearch(params: URLSearchParams): RunFilters {
  const statuses = params
    .getAll("status")
    .filter((s): s is DisplayStatus => DISPLAY_STATUSES.includes(s as DisplayStatus));
  const day = (key: string) => {
    const value = text(params, key);
    return value && DAY.test(value) ? value : undefined;
  };
  return {
    tab: params.get("tab") === "personal" ? "personal" : "all",
    statuses: DISPLAY_STATUSES.filter((s) => statuses.includes(s)),
    source: text(params, "source") as RunSourceType | undefined,
    creator: text(params, "creator"),
    agent: text(params, "agent"),
    configName: text(params, "name"),
    environment: text(params, "environment"),
    schedule: text(params, "schedule"),
    from: day("from"),
    to: day("to"),
    q: text(params, "q"),
  };
}

/** The URL form of the filters; defaults are left out so a plain list has a plain URL. */
export function searchFromFilters(filters: RunFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.tab === "personal") params.set("tab", "personal");
  for (const status of filters.statuses) params.append("status", status);
  const pairs: [string, string | undefined][] = [
    ["source", filters.source],
    ["creator", filters.tab === "personal" ? undefined : filters.creator],
    ["agent", filters.agent],
    ["name", filters.configName],
    ["environment", filters.environment],
    ["schedule", filters.schedule],
    ["from", filters.from],
    ["to", filters.to],
    ["q", filters.q],
  ];
  for (const [key, value] of pairs) if (value) params.set(key, value);
  return params;
}

/** Midnight at the start of a local calendar day, as an RFC 3339 instant. */
const startOfDay = (day: string, plusDays = 0) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
};

/** The `GET /agent/runs` query the filters mean, newest first. */
export function listQueryOf(filters: RunFilters, selfUid: string | undefined): Record<string, QueryValue> {
  return {
    sort_by: "created_at",
    sort_order: "desc",
    limit: 50,
    state: filters.statuses.flatMap((s) => STATES_OF_STATUS[s]),
    source: filters.source,
    creator: filters.tab === "personal" ? selfUid : filters.creator,
    executor: filters.agent,
    config_name: filters.configName,
    environment_id: filters.environment,
    schedule_id: filters.schedule,
    created_after: filters.from && startOfDay(filters.from),
    created_before: filters.to && startOfDay(filters.to, 1),
    q: filters.q,
  };
}

export const hasActiveFilters = (f: RunFilters) =>
  f.statuses.length > 0 ||
  Boolean(f.source || f.creator || f.agent || f.configName || f.environment || f.schedule || f.from || f.to || f.q);
