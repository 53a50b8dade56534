import type {
  AmbientAgentConfig,
  CloudEnvironmentConfig,
  QueryMode,
  ScheduledAgentItem,
  UserProfile,
} from "@oz/contract";
import { nextFireTimes } from "@oz/contract/cron";
import type { Db, ScheduledAgent } from "@oz/db";
import { loadEditorProfiles } from "../environments/editors.ts";
import { presentEnvironment } from "../environments/presenter.ts";

/** A schedule row as the contract's `ScheduledAgentItem`. */
export function presentSchedule(
  row: ScheduledAgent,
  related: { profiles: Map<string, UserProfile>; environments: Map<string, CloudEnvironmentConfig> },
  secondsField: string,
  now = new Date(),
): ScheduledAgentItem {
  const config = row.agentConfig as AmbientAgentConfig;
  const environment = config.environment_id ? related.environments.get(config.environment_id) : undefined;
  const createdBy = related.profiles.get(row.createdBy);
  const updatedBy = related.profiles.get(row.updatedBy);
  const metadata = row.metadata as Record<string, string>;
  return {
    id: row.id,
    name: row.name,
    cron_schedule: row.cronSchedule,
    enabled: row.enabled,
    prompt: row.prompt,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    agent_config: config,
    ...(row.agentUid && { agent_uid: row.agentUid }),
    ...(createdBy && { created_by: createdBy }),
    ...(updatedBy && { updated_by: updatedBy }),
    ...(environment && { environment }),
    history: {
      last_ran: row.lastRanAt?.toISOString() ?? null,
      next_run: row.enabled ? (nextFireTimes(row.cronSchedule, now, 1, secondsField)[0]?.toISOString() ?? null) : null,
    },
    last_spawn_error: row.lastSpawnError,
    ...(Object.keys(metadata).length > 0 && { metadata }),
    mode: row.mode as QueryMode,
    scope: row.ownerUserId ? { type: "User", uid: row.ownerUserId } : { type: "Team", uid: row.teamId },
  };
}

/** Loads what a page of schedules shows besides its rows (editors, environments) in two queries, then presents them. */
export async function presentSchedules(
  db: Db,
  rows: ScheduledAgent[],
  secondsField: string,
): Promise<ScheduledAgentItem[]> {
  const environmentIds = [
    ...new Set(rows.map((r) => (r.agentConfig as AmbientAgentConfig).environment_id).filter((id) => id !== undefined)),
  ];
  const [profiles, environmentRows] = await Promise.all([
    loadEditorProfiles(
      db,
      rows.flatMap((r) => [r.createdBy, r.updatedBy]),
    ),
    environmentIds.length
      ? db.environment.findMany({ where: { id: { in: environmentIds }, deletedAt: null } })
      : Promise.resolve([]),
  ]);
  const environments = new Map<string, CloudEnvironmentConfig>();
  for (const env of environmentRows) {
    // Only an environment of the schedule's own team is shown (the lookup is by id alone).
    if (rows.some((r) => r.teamId === env.teamId))
      environments.set(env.id, presentEnvironment(env, new Map(), undefined).config);
  }
  const now = new Date();
  return rows.map((row) => presentSchedule(row, { profiles, environments }, secondsField, now));
}
