import type { Principal, UserPrincipal } from "@oz/auth";
import type {
  AmbientAgentConfig,
  CreateScheduledAgentRequest,
  ScheduledAgentItem,
  UpdateScheduledAgentRequest,
} from "@oz/contract";
import { newUid, type Db, type Prisma, type ScheduledAgent } from "@oz/db";
import { cronProblem } from "@oz/contract/cron";
import { invalid, notFound } from "@oz/errors";
import { editorRef } from "../environments/editors.ts";
import { presentSchedules } from "./presenter.ts";
import type { ScheduleTriggers } from "@oz/queue";

export interface ScheduleServiceDeps {
  db: Db;
  triggers: ScheduleTriggers;
  /** Told when Redis could not be updated after a committed change (the reconciler repairs it). */
  onTriggerSyncError(err: Error, scheduleId: string): void;
}

/** Team schedules are the team's; personal ones (scope User) their owner's. Others read as not found. */
function visibleWhere(principal: Principal, id?: string): Prisma.ScheduledAgentWhereInput {
  const owners: Prisma.ScheduledAgentWhereInput[] = [{ ownerUserId: null }];
  if (principal.kind === "user") owners.push({ ownerUserId: principal.userId });
  return { ...(id !== undefined && { id }), teamId: principal.teamId, OR: owners };
}

async function findVisible(db: Db, principal: Principal, id: string): Promise<ScheduledAgent> {
  const row = await db.scheduledAgent.findFirst({ where: visibleWhere(principal, id) });
  if (!row) throw notFound("schedule", id);
  return row;
}

async function present(deps: ScheduleServiceDeps, row: ScheduledAgent): Promise<ScheduledAgentItem> {
  return (await presentSchedules(deps.db, [row], deps.triggers.secondsField))[0]!;
}

/** After the change has committed: Redis follows, and a failure there is repaired by the reconciler, never a 5xx. */
async function syncTrigger(deps: ScheduleServiceDeps, row: ScheduledAgent) {
  await deps.triggers.sync(row).catch((err: Error) => deps.onTriggerSyncError(err, row.id));
}

/** The members a create and a full replacement share, checked the same way. */
async function scheduleColumns(
  db: Db,
  principal: UserPrincipal,
  body: CreateScheduledAgentRequest | UpdateScheduledAgentRequest,
  team: boolean,
  keptConfig: AmbientAgentConfig | undefined,
) {
  const cronIssue = cronProblem(body.cron_schedule);
  if (cronIssue) throw invalid(`body.cron_schedule: ${cronIssue}`);
  const agentConfig = body.agent_config ?? keptConfig ?? {};
  const prompt = body.prompt ?? "";
  if (!prompt.trim() && !agentConfig.skill_spec && !agentConfig.skills?.length) {
    throw invalid("prompt is required unless agent_config.skill_spec or agent_config.skills is given");
  }
  if (body.agent_uid) {
    if (!team) throw invalid("agent_uid is only valid for team-owned schedules (team: true)");
    const agent = await db.agent.findFirst({
      where: { id: body.agent_uid, teamId: principal.teamId, deletedAt: null },
      select: { id: true },
    });
    if (!agent) throw notFound("agent", body.agent_uid);
  }
  return {
    name: body.name,
    cronSchedule: body.cron_schedule,
    prompt,
    agentConfig: agentConfig as Prisma.InputJsonValue,
    agentUid: body.agent_uid ?? null,
    metadata: (body.metadata ?? {}) as Prisma.InputJsonValue,
    mode: body.mode ?? "normal",
    updatedBy: editorRef(principal),
  };
}

export async function createSchedule(
  deps: ScheduleServiceDeps,
  principal: UserPrincipal,
  body: CreateScheduledAgentRequest,
): Promise<ScheduledAgentItem> {
  const team = body.team ?? true;
  const columns = await scheduleColumns(deps.db, principal, body, team, undefined);
  const row = await deps.db.scheduledAgent.create({
    data: {
      id: newUid(),
      teamId: principal.teamId,
      ownerUserId: team ? null : principal.userId,
      enabled: body.enabled ?? true,
      createdBy: editorRef(principal),
      ...columns,
    },
  });
  await syncTrigger(deps, row);
  return present(deps, row);
}

export async function getSchedule(deps: ScheduleServiceDeps, principal: Principal, id: string) {
  return present(deps, await findVisible(deps.db, principal, id));
}

/** Every schedule the caller can see, alphabetically by name. */
export async function listSchedules(deps: ScheduleServiceDeps, principal: Principal): Promise<ScheduledAgentItem[]> {
  const rows = await deps.db.scheduledAgent.findMany({
    where: visibleWhere(principal),
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return presentSchedules(deps.db, rows, deps.triggers.secondsField);
}

/** PUT: a full replacement; an absent `agent_config` keeps the stored one. */
export async function updateSchedule(
  deps: ScheduleServiceDeps,
  principal: UserPrincipal,
  id: string,
  body: UpdateScheduledAgentRequest,
): Promise<ScheduledAgentItem> {
  const current = await findVisible(deps.db, principal, id);
  const columns = await scheduleColumns(
    deps.db,
    principal,
    body,
    current.ownerUserId === null,
    current.agentConfig as AmbientAgentConfig,
  );
  const resumed = body.enabled && !current.enabled;
  const row = await deps.db.scheduledAgent.update({
    where: { id },
    data: { ...columns, enabled: body.enabled, ...(resumed && { enabledAt: new Date() }), updatedAt: new Date() },
  });
  await syncTrigger(deps, row);
  return present(deps, row);
}

/** Pause (`enabled: false`) or resume (`true`); both idempotent. */
export async function setScheduleEnabled(
  deps: ScheduleServiceDeps,
  principal: UserPrincipal,
  id: string,
  enabled: boolean,
): Promise<ScheduledAgentItem> {
  const current = await findVisible(deps.db, principal, id);
  const row =
    current.enabled === enabled
      ? current
      : await deps.db.scheduledAgent.update({
          where: { id },
          data: {
            enabled,
            ...(enabled && { enabledAt: new Date() }),
            updatedBy: editorRef(principal),
            updatedAt: new Date(),
          },
        });
  await syncTrigger(deps, row);
  return present(deps, row);
}

/** Stops future runs; runs already created stay. A second delete is a 404. */
export async function deleteSchedule(deps: ScheduleServiceDeps, principal: UserPrincipal, id: string) {
  const current = await findVisible(deps.db, principal, id);
  const { count } = await deps.db.scheduledAgent.deleteMany({ where: { id: current.id } });
  if (count === 0) throw notFound("schedule", id); // a concurrent delete went first
  await syncTrigger(deps, { ...current, enabled: false });
}
