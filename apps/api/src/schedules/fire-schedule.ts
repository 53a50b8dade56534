import type { UserPrincipal } from "@oz/auth";
import type { AgentRunParams, AmbientAgentConfig, QueryMode } from "@oz/contract";
import { lastFireTimeAtOrBefore } from "@oz/contract/cron";
import type { Db, ScheduledAgent } from "@oz/db";
import { ApiError } from "@oz/errors";
import type { RunDispatcher } from "../dispatch/run-dispatcher.ts";
import { createRun, type CreateRunDeps } from "../runs/create-run.ts";

export interface FireScheduleDeps {
  db: Db;
  /** The same dependencies `POST /agent/runs` creates runs with: every refusal of the API applies. */
  createRun: CreateRunDeps;
  dispatcher: Pick<RunDispatcher, "dispatch">;
  /** The seconds field before the 5 cron fields ("0" unless testing); see ScheduleTriggers. */
  secondsField: string;
}

/** What one tick did: made a run, found the tick's run already made, was refused, or had nothing to do. */
export type TickOutcome = "created" | "duplicate" | "refused" | "skipped";

/**
 * Fires one tick of a schedule: creates its run through the API's own create-run path (source
 * `SCHEDULED_AGENT`, the schedule's snapshot, metadata and mode). The run's Idempotency-Key is the
 * (schedule, tick) pair, so a tick fired twice — a retried job, a catch-up racing the scheduler, two
 * processes — makes one run. A refusal (missing agent or environment, over budget, …) is recorded as
 * `last_spawn_error` and the schedule stays enabled; anything else (Postgres away) throws, and BullMQ retries.
 */
export async function fireScheduleTick(
  deps: FireScheduleDeps,
  scheduleId: string,
  firedAt: Date,
): Promise<TickOutcome> {
  const schedule = await deps.db.scheduledAgent.findUnique({ where: { id: scheduleId } });
  if (!schedule?.enabled) return "skipped";
  // A job's time is its tick; a job BullMQ started late (or a catch-up) still counts as the tick it was for.
  const tick = lastFireTimeAtOrBefore(schedule.cronSchedule, firedAt, deps.secondsField);
  if (tick < schedule.enabledAt) return "skipped"; // left over from before a pause or an edit

  try {
    const principal = await schedulePrincipal(deps.db, schedule);
    const accepted = await createRun(deps.createRun, {
      principal,
      params: runParams(schedule),
      source: "SCHEDULED_AGENT",
      idempotencyKey: `schedule:${schedule.id}:${tick.toISOString()}`,
      schedule: { schedule_id: schedule.id, schedule_name: schedule.name, cron_schedule: schedule.cronSchedule },
    });
    if (!accepted.created) return "duplicate";
    // The run is safe in Postgres; if Redis refuses the job now, the sweeper's outbox enqueues it.
    await deps.dispatcher.dispatch(accepted.run);
    await recordTick(deps.db, schedule.id, tick, { lastRanAt: new Date(), lastSpawnError: null });
    return "created";
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    await recordTick(deps.db, schedule.id, tick, { lastSpawnError: spawnError(err) });
    return "refused";
  }
}

/** The request a tick makes, as if the schedule's last editor had sent it. */
function runParams(schedule: ScheduledAgent): AgentRunParams {
  return {
    prompt: schedule.prompt || undefined,
    config: schedule.agentConfig as AmbientAgentConfig,
    team: schedule.ownerUserId === null,
    agent_identity_uid: schedule.agentUid ?? undefined,
    metadata: schedule.metadata as Record<string, string>,
    mode: schedule.mode as QueryMode,
  };
}

/**
 * Ticks act as the person who last configured the schedule (only people may write schedules), with their
 * membership as it is now: someone who left the team no longer starts its runs.
 */
async function schedulePrincipal(db: Db, schedule: ScheduledAgent): Promise<UserPrincipal> {
  const [kind, userId] = schedule.updatedBy.split(":");
  const membership =
    kind === "user" && userId
      ? await db.membership.findUnique({
          where: { teamId_userId: { teamId: schedule.teamId, userId } },
          include: { user: true, team: true },
        })
      : null;
  if (!membership) {
    throw new ApiError(
      "not_authorized",
      `the schedule's last editor (${schedule.updatedBy}) is no longer a member of its team`,
    );
  }
  return {
    kind: "user",
    userId: membership.userId,
    teamId: membership.teamId,
    teamName: membership.team.name,
    role: membership.role,
    email: membership.user.email,
    displayName: membership.user.displayName,
  };
}

const spawnError = (err: ApiError) => `${err.code}: ${err.detail ?? err.title}`;

async function recordTick(
  db: Db,
  id: string,
  tick: Date,
  outcome: { lastRanAt?: Date; lastSpawnError: string | null },
) {
  // updateMany: the schedule may have been deleted meanwhile. A later tick already recorded is kept.
  await db.scheduledAgent.updateMany({ where: { id }, data: outcome });
  await db.scheduledAgent.updateMany({
    where: { id, OR: [{ lastTickAt: null }, { lastTickAt: { lt: tick } }] },
    data: { lastTickAt: tick },
  });
}
