import { generateApiKey } from "@oz/auth";
import type { RunState } from "@oz/contract";
import { newUid, type Db, type Prisma } from "@oz/db";
import { transitionRun } from "@oz/runs";
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

/** The lifecycle path to each state (contract §3.2.5), walked with the state machine as a worker would. */
const PATHS: Record<RunState, RunState[]> = {
  QUEUED: [],
  PENDING: ["PENDING"],
  CLAIMED: ["PENDING", "CLAIMED"],
  INPROGRESS: ["PENDING", "CLAIMED", "INPROGRESS"],
  BLOCKED: ["PENDING", "CLAIMED", "INPROGRESS", "BLOCKED"],
  SUCCEEDED: ["PENDING", "CLAIMED", "INPROGRESS", "SUCCEEDED"],
  FAILED: ["PENDING", "CLAIMED", "INPROGRESS", "FAILED"],
  ERROR: ["PENDING", "CLAIMED", "INPROGRESS", "ERROR"],
  CANCELLED: ["CANCELLED"],
};

export async function moveRunTo(db: Db, runId: string, state: RunState) {
  for (const to of PATHS[state]) {
    const moved = await transitionRun(db, { runId, to });
    if (!moved) throw new Error(`could not move run ${runId} to ${to}`);
  }
}
