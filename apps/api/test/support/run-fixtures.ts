import { generateApiKey } from "@oz/auth";
import type { RunState } from "@oz/contract";
import { newUid, type Db, type Prisma } from "@oz/db";
import { appendRunEvents } from "@oz/events";
import { cancelRun, claimRun, confirmClaim, endRun, startExecution, type RunEngineDeps } from "@oz/runs";
import { call, type TestServer } from "./test-server.ts";

/** A cloud agent of a team, written directly (the identities API is exercised by its own tests). */
export async function createAgent(db: Db, teamId: string, fields: Partial<Prisma.AgentUncheckedCreateInput> = {}) {
  return db.agent.create({ data: { id: newUid(), teamId, name: `agent-${newUid().slice(0, 6)}`, ...fields } });
}

/** A raw API key bound to a cloud agent. */
export async function agentKey(db: Db, teamId: string, agentId: string): Promise<string> {
  const key = generateApiKey();
  await db.apiKey.create({
    data: { id: newUid(), teamId, name: "agent key", keyHash: key.hash, keySuffix: key.suffix, agentId },
  });
  return key.raw;
}

/** Another human member of a team, with a personal key. */
export async function createMember(db: Db, teamId: string, name = `member-${newUid().slice(0, 6)}`) {
  const userId = newUid();
  const email = `${name.toLowerCase()}@example.com`;
  await db.user.create({ data: { id: userId, email, displayName: name } });
  await db.membership.create({ data: { teamId, userId, role: "member" } });
  const key = generateApiKey();
  await db.apiKey.create({
    data: { id: newUid(), teamId, name: "personal", keyHash: key.hash, keySuffix: key.suffix, userId },
  });
  return { userId, email, displayName: name, apiKey: key.raw };
}

export async function createEnvironment(db: Db, teamId: string, name = "web") {
  const environment = await db.environment.create({
    data: { id: newUid(), teamId, name, dockerImage: "debian:bookworm" },
  });
  return environment.id;
}

/** Creates a run through the API and returns its ID (fails the test on anything but 200). */
export async function startRun(server: TestServer, body: Record<string, unknown>, key = server.team.apiKey) {
  const res = await call(server, "POST", "/agent/runs", { key, body });
  if (res.status !== 200) throw new Error(`run creation failed: ${res.status} ${res.text}`);
  return res.json.run_id as string;
}

/** The worker id and lease of runs moved by moveRunTo: a lease that never expires during a test. */
const FIXTURE_HOLD = { workerId: "fixture-worker", leaseMs: 3_600_000 };

/** Each step of the lifecycle through the run engine, as a worker or the API would take it. */
const STEPS: Partial<Record<RunState, (deps: RunEngineDeps, runId: string) => Promise<unknown>>> = {
  PENDING: (deps, runId) => claimRun(deps, { runId, ...FIXTURE_HOLD }),
  CLAIMED: (deps, runId) => confirmClaim(deps, { runId, ...FIXTURE_HOLD }),
  INPROGRESS: (deps, runId) => startExecution(deps, { runId, ...FIXTURE_HOLD }),
  SUCCEEDED: (deps, runId) => endRun(deps, { runId, ending: { outcome: "succeeded", message: "Done." } }),
  FAILED: (deps, runId) => endRun(deps, { runId, ending: { outcome: "task_failed", message: "The task failed." } }),
  ERROR: (deps, runId) => endRun(deps, { runId, ending: { outcome: "agent_process_failed", message: "It broke." } }),
  CANCELLED: (deps, runId) => cancelRun(deps, { runId, from: "QUEUED", by: "a test" }),
};

const PATHS: Record<Exclude<RunState, "BLOCKED">, RunState[]> = {
  QUEUED: [],
  PENDING: ["PENDING"],
  CLAIMED: ["PENDING", "CLAIMED"],
  INPROGRESS: ["PENDING", "CLAIMED", "INPROGRESS"],
  SUCCEEDED: ["PENDING", "CLAIMED", "INPROGRESS", "SUCCEEDED"],
  FAILED: ["PENDING", "CLAIMED", "INPROGRESS", "FAILED"],
  ERROR: ["PENDING", "CLAIMED", "INPROGRESS", "ERROR"],
  CANCELLED: ["CANCELLED"],
};

/**
 * Walks a queued run to `state`. BLOCKED is in the wire enum but no run of this platform enters it: a run
 * shown in it (e.g. one another implementation wrote) is written directly.
 */
export async function moveRunTo(db: Db, runId: string, state: RunState) {
  if (state === "BLOCKED") {
    await db.run.update({ where: { id: runId }, data: { state } });
    return;
  }
  const deps: RunEngineDeps = {
    db,
    events: { append: (id, events) => appendRunEvents(db, id, events), publish: async () => {} },
  };
  for (const to of PATHS[state]) {
    if (!(await STEPS[to]!(deps, runId))) throw new Error(`could not move run ${runId} to ${to}`);
  }
}
