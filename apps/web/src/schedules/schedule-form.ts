import type {
  AmbientAgentConfig,
  CreateScheduledAgentRequest,
  QueryMode,
  ScheduledAgentItem,
  UpdateScheduledAgentRequest,
} from "@oz/contract";
import { problemOf } from "../api/problem.ts";

/** The schedule form as text fields: metadata one `key=value` per line. */
export interface ScheduleForm {
  name: string;
  cron: string;
  prompt: string;
  environmentId: string;
  /** A cloud agent the runs execute as (team schedules only); "" runs them as the schedule's last editor. */
  agentUid: string;
  mode: QueryMode;
  metadata: string;
  /** Only when creating: owned by the team (true) or by the signed-in user. */
  team: boolean;
  /** Only when creating: whether it starts active. */
  enabled: boolean;
}

export const EMPTY_SCHEDULE: ScheduleForm = {
  name: "",
  cron: "0 9 * * 1-5",
  prompt: "",
  environmentId: "",
  agentUid: "",
  mode: "normal",
  metadata: "",
  team: true,
  enabled: true,
};

export const scheduleFormOf = (s: ScheduledAgentItem): ScheduleForm => ({
  name: s.name,
  cron: s.cron_schedule,
  prompt: s.prompt,
  environmentId: s.agent_config?.environment_id ?? "",
  agentUid: s.agent_uid ?? "",
  mode: s.mode ?? "normal",
  metadata: Object.entries(s.metadata ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join("\n"),
  team: s.scope?.type !== "User",
  enabled: s.enabled,
});

/** The request body (create, or the full replacement of `existing`), or the first thing to fix, in words. */
export function scheduleRequestOf(
  form: ScheduleForm,
  existing?: ScheduledAgentItem,
): { body: CreateScheduledAgentRequest | UpdateScheduledAgentRequest } | { problem: string } {
  const metadata: Record<string, string> = {};
  for (const line of form.metadata.split("\n").map((l) => l.trim())) {
    if (!line) continue;
    const at = line.indexOf("=");
    if (at < 1) return { problem: `Cannot read the metadata line "${line}": write key=value.` };
    metadata[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  // The stored config keeps what this form does not show (model, skills, …); only the environment changes.
  const { environment_id: _, ...kept } = existing?.agent_config ?? ({} as AmbientAgentConfig);
  const agentConfig: AmbientAgentConfig = {
    ...kept,
    ...(form.environmentId && { environment_id: form.environmentId }),
  };
  const common = {
    name: form.name,
    cron_schedule: form.cron,
    prompt: form.prompt,
    agent_config: agentConfig,
    agent_uid: form.agentUid || null,
    metadata: Object.keys(metadata).length ? metadata : null,
    mode: form.mode,
  };
  return {
    body: existing ? { ...common, enabled: existing.enabled } : { ...common, team: form.team, enabled: form.enabled },
  };
}

/** The request members a form shows, which the server's complaints are put against. */
export type ScheduleField = "name" | "cron_schedule" | "prompt" | "agent_config" | "agent_uid" | "metadata" | "mode";
const FIELDS: readonly string[] = ["name", "cron_schedule", "prompt", "agent_config", "agent_uid", "metadata", "mode"];

/**
 * The server's 400 for a schedule, split by field. Its detail names each member it refuses, either as
 * `body.<member>[.<path>]: <why>` (schema checks, `; `-separated) or by starting with the member's name
 * ("prompt is required unless …"). What names no field of the form is left in `rest`.
 */
export function fieldProblemsOf(error: unknown): {
  fields: Partial<Record<ScheduleField, string>>;
  rest: string[];
} {
  const problem = problemOf(error);
  const fields: Partial<Record<ScheduleField, string>> = {};
  const rest: string[] = [];
  if (problem.status !== 400 || !problem.detail) return { fields, rest: [problem.detail ?? problem.title] };
  for (const part of problem.detail.split("; ")) {
    const dotted = /^body\.([a-z_]+)[^:]*: (.*)$/s.exec(part);
    const field = dotted?.[1] ?? /^([a-z_]+)\b/.exec(part)?.[1];
    if (field && FIELDS.includes(field)) {
      const message = dotted ? (dotted[2] ?? part) : part;
      const key = field as ScheduleField;
      fields[key] = fields[key] ? `${fields[key]}; ${message}` : message;
    } else rest.push(part);
  }
  return { fields, rest };
}
