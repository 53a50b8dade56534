import type { RunQueues } from "@oz/queue";
import { HELD_RUN_STATES, isTerminalRunState } from "@oz/contract/run-states";
import { endExpiredLeases, endLostRuns, endOverdueRuns, reconcileQueuedRuns } from "@oz/sweeper";
import type { RunSweepDeps } from "@oz/sweeper";
import type { SandboxSummary } from "@oz/sandbox";
import type { Redis } from "ioredis";
import type { WorkerDeps } from "./deps.ts";

export interface SweepDeps extends Pick<WorkerDeps, "db" | "events" | "sandboxes" | "settings" | "log"> {
  queues: RunQueues;
  /** For cancel messages and worker-host presence; may be down. */
  redis: Redis;
}

/** A warm sandbox still not started after this long was left half-made by a worker that died creating it. */
const WARM_SANDBOX_START_MS = 10 * 60_000;

/**
 * A warm sandbox no run has taken lives exactly as long as its worker holds its main shell's attachment: when the
 * worker dies, the shell reads the end of its input and the sandbox stops. A stopped one (whichever worker's) is
 * therefore abandoned, and so is one left created but never started.
 */
function abandonedWarmSandbox(sandbox: SandboxSummary): boolean {
  if (sandbox.running) return false;
  return !sandbox.starting || Date.now() - sandbox.createdAt.getTime() > WARM_SANDBOX_START_MS;
}

/** The shared sweep (packages/sweeper) with what only a worker can do: remove a run's sandboxes first. */
function runSweepDeps(deps: SweepDeps): RunSweepDeps {
  return {
    db: deps.db,
    events: deps.events,
    queues: deps.queues,
    redis: deps.redis,
    queuePrefix: deps.settings.queuePrefix,
    removeSandboxesOf: (runId) => removeSandboxesOf(deps, runId),
  };
}

async function removeSandboxesOf(deps: SweepDeps, runId: string) {
  for (const sandbox of await deps.sandboxes.list({ runId }).catch(() => [])) {
    await deps.sandboxes.remove(sandbox.id).catch(() => {});
  }
}

/** Ends (or re-queues) every run this worker id holds, for the reason `why`: see endLostRuns. */
export async function endRunsHeldHere(deps: SweepDeps, why: string): Promise<number> {
  const held = await deps.db.run.findMany({
    where: { workerId: deps.settings.workerId, state: { in: [...HELD_RUN_STATES] } },
  });
  await endLostRuns(runSweepDeps(deps), held, why);
  return held.length;
}

/** A freshly started worker runs nothing: whatever its previous life held is lost, and its sandboxes go. */
export async function recoverAfterRestart(deps: SweepDeps): Promise<void> {
  await endRunsHeldHere(deps, `Worker ${deps.settings.workerId} restarted`);
  const removed = await deps.sandboxes.reapOrphans(deps.settings.workerId, new Set());
  if (removed.length > 0) deps.log.info({ removed }, "removed sandboxes left by this worker's previous life");
}

/** One pass of the sweeper (a BullMQ job scheduler fires it; any one worker runs each pass). */
export async function sweep(deps: SweepDeps): Promise<void> {
  const now = new Date();
  const shared = runSweepDeps(deps);
  await endExpiredLeases(shared, now);
  await endOverdueRuns(shared, now, deps.settings.maxRuntimeMs);
  await reconcileQueuedRuns(shared, now);
  await reapFinishedSandboxes(deps);
}

/**
 * Sandboxes on this Docker host whose run has ended are removed (e.g. their worker died mid-cleanup, or the
 * API's sweeper ended the run); so are this worker's sandboxes whose run is unknown. Another worker's
 * sandbox for a run we cannot see may belong to another deployment sharing the Docker host, so it is left alone.
 */
async function reapFinishedSandboxes(deps: SweepDeps) {
  const sandboxes = await deps.sandboxes.list().catch(() => []);
  if (sandboxes.length === 0) return;
  const runs = await deps.db.run.findMany({
    where: { id: { in: sandboxes.map((s) => s.runId).filter((id) => /^[0-9a-f-]{36}$/i.test(id)) } },
    select: { id: true, state: true },
  });
  const states = new Map(runs.map((r) => [r.id, r.state]));
  for (const sandbox of sandboxes) {
    if (sandbox.pool !== null && sandbox.runId === "") {
      if (abandonedWarmSandbox(sandbox)) await deps.sandboxes.remove(sandbox.id).catch(() => {});
      continue;
    }
    const state = states.get(sandbox.runId);
    const orphan = state === undefined ? sandbox.workerId === deps.settings.workerId : isTerminalRunState(state);
    if (orphan) await deps.sandboxes.remove(sandbox.id).catch(() => {});
  }
}
