import { ArtifactType, type AmbientAgentConfig, type ArtifactItem, type RunItem, type UserProfile } from "@oz/contract";
import type { PrincipalKind } from "@oz/db";
import { compact } from "./resolve-config.ts";
import type { RunItemRow, StoredArtifact } from "./run-item-query.ts";
import { isRunTypeCancellable } from "./run-type.ts";

/** Artifact types that can be fetched through `GET /agent/artifacts/{uid}` carry their UID. */
const RETRIEVABLE_ARTIFACTS = new Set<string>(["PLAN", "SCREENSHOT", "FILE"]);

/** A stored run as the contract's RunItem, for both `GET /agent/runs` and `GET /agent/runs/{id}`. */
export function presentRun(row: RunItemRow, publicUrl: string): RunItem {
  const origin = publicUrl.replace(/\/$/, "");
  const schedule = objectOrUndefined(row.schedule) as RunItem["schedule"];
  const runTimeMs = Number(row.run_time_ms);
  const artifacts = row.artifacts.flatMap(presentArtifact);
  const metadata = objectOrUndefined(row.metadata) as Record<string, string> | undefined;
  return compact({
    run_id: row.id,
    task_id: row.id,
    title: row.title,
    prompt: row.prompt,
    state: row.state,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    started_at: row.started_at?.toISOString(),
    source: row.source,
    execution_location: row.execution_location,
    creator: profile(
      row.creator_kind,
      row.creator_id,
      row.creator_user_name ?? row.creator_agent_name,
      row.creator_email,
    ),
    executor: profile(
      row.executor_kind,
      row.executor_id,
      row.executor_user_name ?? row.executor_agent_name,
      row.executor_email,
    ),
    scope: row.owner_user_id ? { type: "User", uid: row.owner_user_id } : { type: "Team", uid: row.team_id },
    agent_config: objectOrUndefined(row.agent_config) as AmbientAgentConfig | undefined,
    agent_skill: objectOrUndefined(row.agent_skill) as RunItem["agent_skill"],
    artifacts: artifacts.length > 0 ? artifacts : undefined,
    conversation_id: row.conversation_id,
    session_id: row.session_id ?? undefined,
    session_link: `${origin}/runs/${row.id}`,
    is_sandbox_running: row.is_sandbox_running,
    is_run_type_cancellable: isRunTypeCancellable({ source: row.source, executionLocation: row.execution_location }),
    metadata: metadata && Object.keys(metadata).length > 0 ? metadata : undefined,
    parent_run_id: row.parent_run_id ?? undefined,
    request_usage: objectOrUndefined(row.request_usage),
    run_time: row.started_at || runTimeMs > 0 ? isoDuration(runTimeMs) : undefined,
    schedule,
    status_message: presentStatusMessage(row.status_message),
    // What triggered the run: for a scheduled run, its schedule's page in the dashboard.
    trigger_url: schedule ? `${origin}/schedules/${encodeURIComponent(schedule.schedule_id)}` : undefined,
  }) as RunItem;
}

/** Users show their name and email; cloud agents are `service_account`s with their agent name. */
function profile(kind: PrincipalKind, uid: string, displayName: string | null, email: string | null): UserProfile {
  return kind === "user"
    ? compact({ uid, type: "user", display_name: displayName ?? undefined, email: email ?? undefined })
    : compact({ uid, type: "service_account", display_name: displayName ?? undefined });
}

function presentArtifact(artifact: StoredArtifact): ArtifactItem[] {
  const type = ArtifactType.safeParse(artifact.type);
  if (!type.success) return [];
  const data = objectOrUndefined(artifact.data) ?? {};
  return [
    {
      artifact_type: type.data,
      created_at: new Date(artifact.created_at).toISOString(),
      data: RETRIEVABLE_ARTIFACTS.has(type.data) ? { ...data, artifact_uid: artifact.id } : data,
    },
  ];
}

/** `message` is always sent, even to clients that type it optional. */
function presentStatusMessage(value: unknown): RunItem["status_message"] {
  const stored = objectOrUndefined(value);
  if (!stored) return undefined;
  return { ...stored, message: typeof stored.message === "string" ? stored.message : "" };
}

/** ISO 8601 duration of a run time in milliseconds: `PT2M30S`, `PT1H5.5S`, `PT0S`. */
export function isoDuration(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  let out = "PT";
  if (hours > 0) out += `${hours}H`;
  if (minutes > 0) out += `${minutes}M`;
  if (seconds > 0 || (hours === 0 && minutes === 0)) out += `${Number(seconds.toFixed(3))}S`;
  return out;
}

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
