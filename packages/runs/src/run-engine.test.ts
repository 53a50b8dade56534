import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEvent } from "@oz/contract";
import { appendRunEvents } from "@oz/events";
import { createTestDatabase, insertRunRow, insertTeamRow, type TestDatabase } from "@oz/testing";
import { claimRun, confirmClaim, startExecution } from "./claim.ts";
import { cancelRun, endRun } from "./end-run.ts";
import { queueFollowupExecution } from "./followup-execution.ts";
import { requeueRun } from "./requeue-run.ts";
import { markSandboxRunning, markSandboxStopped, recordAgentSkill, renewLease } from "./run-columns.ts";
import type { RunEngineDeps } from "./state-change.ts";

let database: TestDatabase;
let deps: RunEngineDeps;
let teamId: string;
/** What the engine announced to live viewers, per run. */
const published = new Map<string, RunEvent[]>();

beforeAll(async () => {
  database = await createTestDatabase();
  teamId = await insertTeamRow(database.db);
  deps = {
    db: database.db,
    events: {
      append: (runId, events) => appendRunEvents(database.db, runId, events),
      publish: async (runId, events) => void published.set(runId, [...(published.get(runId) ?? []), ...events]),
    },
  };
});
afterAll(() => database.drop());

const hold = (runId: string, workerId = "w1") => ({ runId, workerId, leaseMs: 60_000 });
const readRun = (runId: string) => database.db.run.findUniqueOrThrow({ where: { id: runId } });
const stateEvents = async (runId: string) =>
  (await database.db.runEvent.findMany({ where: { runId, type: "state" }, orderBy: { seq: "asc" } })).map(
    (e) => e.payload as { state: string; message?: string; error_code?: string },
  );

/** A run walked to INPROGRESS on worker w1, its sandbox started `ranMs` ago. */
async function runningRun(ranMs = 0) {
  const runId = await insertRunRow(database.db, teamId);
  await claimRun(deps, hold(runId));
  await confirmClaim(deps, hold(runId));
  await markSandboxRunning(database.db, { runId, workerId: "w1", startedAt: new Date(Date.now() - ranMs) });
  await startExecution(deps, hold(runId));
  return runId;
}

describe("the run engine", () => {
  it("claims a queued run: worker, lease, one attempt, and the state event, announced", async () => {
    const runId = await insertRunRow(database.db, teamId);
    const before = Date.now();
    const claimed = await claimRun(deps, hold(runId));
    expect(claimed).toMatchObject({ state: "PENDING", workerId: "w1", attempts: 1 });
    expect((await readRun(runId)).leaseExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(await stateEvents(runId)).toEqual([{ state: "PENDING" }]);
    expect(published.get(runId)?.map((e) => e.payload)).toEqual([{ state: "PENDING" }]);
    // A second claim (a duplicate job) finds it taken.
    expect(await claimRun(deps, hold(runId, "w2"))).toBeNull();
  });

  it("keeps a team within its limit: the claim over it leaves the run QUEUED and writes nothing", async () => {
    const team = await insertTeamRow(database.db, "limited");
    const [first, second] = [await insertRunRow(database.db, team), await insertRunRow(database.db, team)];
    expect(await claimRun(deps, { ...hold(first!), teamLimit: 1 })).toMatchObject({ state: "PENDING" });
    expect(await claimRun(deps, { ...hold(second!), teamLimit: 1 })).toBe("at_capacity");
    expect((await readRun(second!)).state).toBe("QUEUED");
    expect(await stateEvents(second!)).toEqual([]);
  });

  it("confirms and starts only for the worker that holds the run; started_at keeps the first execution's", async () => {
    const runId = await insertRunRow(database.db, teamId);
    await claimRun(deps, hold(runId));
    expect(await confirmClaim(deps, hold(runId, "w2"))).toBeNull();
    expect(await confirmClaim(deps, hold(runId))).toMatchObject({ state: "CLAIMED" });
    expect(await startExecution(deps, hold(runId, "w2"))).toBeNull();
    const started = await startExecution(deps, hold(runId));
    expect(started?.state).toBe("INPROGRESS");
    expect(started?.startedAt).toEqual(started?.executionStartedAt);
    expect((await stateEvents(runId)).map((e) => e.state)).toEqual(["PENDING", "CLAIMED", "INPROGRESS"]);

    // A follow-up's next execution keeps started_at and gets its own execution_started_at.
    await endRun(deps, { runId, workerId: "w1", ending: { outcome: "succeeded", message: "ok" } });
    await queueFollowupExecution(deps, runId, "again");
    await claimRun(deps, hold(runId));
    await confirmClaim(deps, hold(runId));
    const again = await startExecution(deps, hold(runId));
    expect(again?.startedAt).toEqual(started?.startedAt);
    expect(again!.executionStartedAt!.getTime()).toBeGreaterThanOrEqual(started!.executionStartedAt!.getTime());
  });

  it("ends a run in the state the catalogue gives its error code, with every ended column and its usage", async () => {
    const runId = await runningRun(1_500);
    await database.db.run.update({ where: { id: runId }, data: { requestUsage: { cost_usd: 0.5 } } });
    const ended = await endRun(deps, {
      runId,
      workerId: "w1",
      ending: { outcome: "agent_process_failed", message: "It broke.", usage: { cost_usd: 0.25 } },
    });
    expect(ended).toMatchObject({
      state: "ERROR",
      statusMessage: { message: "It broke.", error_code: "agent_process_failed", retryable: false },
      isSandboxRunning: false,
      leaseExpiresAt: null,
    });
    expect(ended!.endedAt).not.toBeNull();
    expect(Number(ended!.runTimeMs)).toBeGreaterThanOrEqual(1_500);
    const usage = ended!.requestUsage as { cost_usd: number; compute_seconds: number };
    expect(usage.cost_usd).toBe(0.75);
    expect(usage.compute_seconds).toBeGreaterThanOrEqual(1.5);
    expect((await stateEvents(runId)).at(-1)).toEqual({
      state: "ERROR",
      message: "It broke.",
      error_code: "agent_process_failed",
    });

    const failed = await runningRun();
    const setup = await endRun(deps, { runId: failed, ending: { outcome: "environment_setup_failed", message: "x" } });
    expect(setup).toMatchObject({ state: "FAILED", statusMessage: { error_code: "environment_setup_failed" } });
    const task = await runningRun();
    expect(await endRun(deps, { runId: task, ending: { outcome: "task_failed", message: "exit 1" } })).toMatchObject({
      state: "FAILED",
      statusMessage: { message: "exit 1" },
    });
    expect((await readRun(task)).statusMessage).not.toHaveProperty("error_code");
  });

  it("cancels a claimed run whose sandbox runs: run_time counts from the sandbox's start, no sandbox left", async () => {
    const runId = await insertRunRow(database.db, teamId);
    await claimRun(deps, hold(runId));
    await confirmClaim(deps, hold(runId));
    await markSandboxRunning(database.db, { runId, workerId: "w1", startedAt: new Date(Date.now() - 2_000) });
    const cancelled = await cancelRun(deps, { runId, from: "CLAIMED", by: "Ada" });
    expect(cancelled).toMatchObject({ state: "CANCELLED", isSandboxRunning: false, leaseExpiresAt: null });
    expect(Number(cancelled!.runTimeMs)).toBeGreaterThanOrEqual(2_000);
    expect((await stateEvents(runId)).at(-1)).toEqual({ state: "CANCELLED", message: "Cancelled by Ada" });

    // The worker's late writes change nothing: no sandbox flag back on, no lease, no second end.
    expect(await markSandboxRunning(database.db, { runId, workerId: "w1", startedAt: new Date() })).toBe(false);
    expect(await renewLease(database.db, { runId, workerId: "w1", leaseMs: 60_000 })).toBe(false);
    expect(await endRun(deps, { runId, workerId: "w1", ending: { outcome: "succeeded", message: "ok" } })).toBeNull();
    expect(await readRun(runId)).toMatchObject({ state: "CANCELLED", isSandboxRunning: false });
    expect((await stateEvents(runId)).filter((e) => e.state === "CANCELLED")).toHaveLength(1);
  });

  it("lets exactly one of a racing cancel and end win, with one end state event", async () => {
    for (let i = 0; i < 5; i++) {
      const runId = await runningRun(1_000);
      const [cancelled, ended] = await Promise.all([
        cancelRun(deps, { runId, from: "INPROGRESS", by: "Ada" }),
        endRun(deps, { runId, workerId: "w1", ending: { outcome: "succeeded", message: "ok", usage: {} } }),
      ]);
      expect([cancelled, ended].filter(Boolean)).toHaveLength(1);
      const run = await readRun(runId);
      expect(run.state).toBe(cancelled ? "CANCELLED" : "SUCCEEDED");
      expect(run.isSandboxRunning).toBe(false);
      expect(Number(run.runTimeMs)).toBeGreaterThanOrEqual(1_000);
      expect(Number(run.runTimeMs)).toBeLessThan(60_000);
      const ends = (await stateEvents(runId)).filter((e) => ["CANCELLED", "SUCCEEDED"].includes(e.state));
      expect(ends).toEqual([expect.objectContaining({ state: run.state })]);
    }
  });

  it("requeues a run before it started: no worker, lease or sandbox; only from the worker that holds it", async () => {
    const runId = await insertRunRow(database.db, teamId);
    await claimRun(deps, hold(runId));
    await confirmClaim(deps, hold(runId));
    await markSandboxRunning(database.db, { runId, workerId: "w1", startedAt: new Date() });
    expect(await requeueRun(deps, { runId, workerId: "w2", message: "retry" })).toBeNull();
    const requeued = await requeueRun(deps, { runId, workerId: "w1", message: "retry" });
    expect(requeued).toMatchObject({
      state: "QUEUED",
      workerId: null,
      leaseExpiresAt: null,
      isSandboxRunning: false,
      sandboxStartedAt: null,
      statusMessage: { message: "retry" },
    });
    expect((await stateEvents(runId)).at(-1)).toEqual({ state: "QUEUED", message: "retry" });
    // Never once the agent started.
    const started = await runningRun();
    expect(await requeueRun(deps, { runId: started, message: "retry" })).toBeNull();
  });

  it("queues a follow-up execution of an ended run only", async () => {
    const runId = await runningRun();
    expect(await queueFollowupExecution(deps, runId, "more")).toBeNull();
    await endRun(deps, { runId, ending: { outcome: "succeeded", message: "ok" } });
    const queued = await queueFollowupExecution(deps, runId, "more");
    expect(queued).toMatchObject({ state: "QUEUED", attempts: 0, endedAt: null, workerId: null });
    expect((await stateEvents(runId)).at(-1)).toEqual({ state: "QUEUED", message: "more" });
  });

  it("writes neither the state nor its event when the transaction fails", async () => {
    const runId = await insertRunRow(database.db, teamId);
    // The event insert of this run fails (a real Postgres error inside the transaction, after the UPDATE).
    await database.db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await database.db.$executeRawUnsafe(`
      CREATE TRIGGER refuse_events BEFORE INSERT ON run_events FOR EACH ROW
      WHEN (NEW.run_id = '${runId}'::uuid) EXECUTE FUNCTION refuse_events()`);
    try {
      await expect(claimRun(deps, hold(runId))).rejects.toThrow(/refused/);
      await expect(cancelRun(deps, { runId, from: "QUEUED", by: "Ada" })).rejects.toThrow(/refused/);
    } finally {
      await database.db.$executeRawUnsafe(`DROP TRIGGER refuse_events ON run_events`);
      await database.db.$executeRawUnsafe(`DROP FUNCTION refuse_events()`);
    }
    expect(await readRun(runId)).toMatchObject({ state: "QUEUED", workerId: null, attempts: 0, endedAt: null });
    expect(await stateEvents(runId)).toEqual([]);
  });

  it("records the sandbox's stop and the agent's skill for the worker that holds the run", async () => {
    const runId = await runningRun();
    await recordAgentSkill(database.db, { runId, workerId: "w1", skill: { full_path: "a/SKILL.md", name: "a" } });
    // Still running: a stop is a follow-up's previous execution's, not this one's.
    await markSandboxStopped(database.db, { runId, workerId: "w1" });
    expect(await readRun(runId)).toMatchObject({ isSandboxRunning: true, agentSkill: { name: "a" } });
    await database.db.run.update({ where: { id: runId }, data: { state: "SUCCEEDED", isSandboxRunning: true } });
    await markSandboxStopped(database.db, { runId, workerId: "w1" });
    expect((await readRun(runId)).isSandboxRunning).toBe(false);
  });
});
