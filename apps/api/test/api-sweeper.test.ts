import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, RunQueues } from "@oz/queue";
import { insertRunRow } from "@oz/testing";
import { startApiSweeper } from "../src/sweeper/api-sweeper.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// No worker runs in this file: whatever happens to these runs, the API's own sweeper did it.

const INTERVAL_MS = 300;
let server: TestServer;
let queues: RunQueues;
let redis: ReturnType<typeof createRedis>;

beforeAll(async () => {
  server = await startTestServer({}, { sweepIntervalMs: INTERVAL_MS });
  redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  queues = new RunQueues(redis, server.queuePrefix);
});
afterAll(async () => {
  await queues.close();
  await redis.quit();
  await server.close();
});

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const getRun = async (runId: string) =>
  (await call(server, "GET", `/agent/runs/${runId}`, { key: server.team.apiKey })).json;

describe("the API's sweeper, with no worker alive", () => {
  it("ends a run whose worker's lease expired mid-run: ERROR agent_process_failed, saying why", async () => {
    const runId = await insertRunRow(server.database.db, server.team.teamId, {
      state: "INPROGRESS",
      workerId: "gone-1",
      leaseExpiresAt: new Date(Date.now() - 1_000),
      startedAt: new Date(Date.now() - 5_000),
      executionStartedAt: new Date(Date.now() - 5_000),
    });
    const run = await eventually(
      () => getRun(runId),
      (r) => r.state === "ERROR",
      5_000,
    );
    expect(run.state).toBe("ERROR");
    expect(run.status_message).toMatchObject({ error_code: "agent_process_failed", retryable: false });
    expect(run.status_message.message).toMatch(/^Worker gone-1 stopped responding \(its lease expired\)/);
  });

  it("puts a run whose worker vanished before the agent started back in the queue, with a job", async () => {
    const runId = await insertRunRow(server.database.db, server.team.teamId, {
      state: "CLAIMED",
      workerId: "gone-2",
      leaseExpiresAt: new Date(Date.now() - 1_000),
    });
    const run = await eventually(
      () => getRun(runId),
      (r) => r.state === "QUEUED",
      5_000,
    );
    expect(run.state).toBe("QUEUED");
    expect(run.status_message.message).toMatch(/queued again/);
    // The job is added right after the state change.
    expect(await eventually(() => queues.hasJob({ id: runId, workerHost: null }), Boolean, 2_000)).toBe(true);
  });

  it("enqueues a QUEUED run that has no job (the outbox)", async () => {
    const runId = await insertRunRow(server.database.db, server.team.teamId, {
      createdAt: new Date(Date.now() - 10_000),
    });
    expect(await queues.hasJob({ id: runId, workerHost: null })).toBe(false);
    const enqueued = await eventually(() => queues.hasJob({ id: runId, workerHost: null }), Boolean, 5_000);
    expect(enqueued).toBe(true);
  });

  it("leaves alone a run whose lease is still live", async () => {
    const runId = await insertRunRow(server.database.db, server.team.teamId, {
      state: "INPROGRESS",
      workerId: "alive",
      leaseExpiresAt: new Date(Date.now() + 60_000),
    });
    await new Promise((r) => setTimeout(r, INTERVAL_MS * 4));
    expect((await getRun(runId)).state).toBe("INPROGRESS");
  });

  it("sweeps in one API instance at a time", async () => {
    const { db } = server.database;
    const sweeper = startApiSweeper({
      db,
      events: { append: async () => undefined, publish: async () => {} },
      queues,
      redis,
      queuePrefix: server.queuePrefix,
      intervalMs: 60_000,
      onError: () => {},
    });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const lockTaken = new Promise<void>((r) => (locked = r));
      const holder = db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x6f7a_5357n})`;
        locked();
        await held;
      });
      await lockTaken;
      expect(await sweeper.sweepNow()).toBe(false);
      release();
      await holder;
      expect(await sweeper.sweepNow()).toBe(true);
    } finally {
      await sweeper.close();
    }
  });
});
