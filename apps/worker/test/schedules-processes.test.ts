import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, freePort, type TestDatabase } from "@oz/testing";
import { createTeam, type CreatedTeam } from "../../api/src/teams/create-team.ts";
import { spawnProgram, startRedisServer, type ProgramProcess } from "./support/processes.ts";

/**
 * Scheduled agents with two API processes and two workers (the real programs) on a private Redis that is
 * restarted without persistence mid-way, so it loses every job scheduler. The testing seconds field `*\/2`
 * makes the public `* * * * *` tick every two seconds. Every tick makes exactly one run; the tick missed
 * while Redis was down fires once on recovery; pause stops the runs and resume starts them again.
 */
const TICK_MS = 2_000;
const prefix = `oz-sched-${randomBytes(3).toString("hex")}`;
const scratch = mkdtempSync(join(tmpdir(), "oz-schedules-"));
let database: TestDatabase;
let redis: Awaited<ReturnType<typeof startRedisServer>>;
let team: CreatedTeam;
const programs: ProgramProcess[] = [];
let apiUrls: string[] = [];

function startPrograms(env: Record<string, string>) {
  const apis = [0, 1].map(async (i) => {
    const port = await freePort();
    const api = spawnProgram("api", {
      ...env,
      PORT: String(port),
      OZ_PUBLIC_URL: `http://127.0.0.1:${port}`,
      OZ_SETUP_TOKEN_FILE: join(scratch, `setup-${i}`),
    });
    programs.push(api);
    const deadline = Date.now() + 90_000;
    while (
      !(await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (api.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`the API did not start:\n${api.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return `http://127.0.0.1:${port}/api/v1`;
  });
  for (const i of [0, 1]) programs.push(spawnProgram("worker", { ...env, OZ_WORKER_ID: `${prefix}-worker-${i}` }));
  return Promise.all(apis);
}

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await startRedisServer();
  team = await createTeam(database.db, { teamName: "sched", admin: { email: `sched-${prefix}@example.com` } });
  apiUrls = await startPrograms({
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    OZ_QUEUE_PREFIX: prefix,
    OZ_MASTER_KEY: randomBytes(32).toString("hex"),
    OZ_SCHEDULE_SECONDS_FIELD: "*/2",
    OZ_SCHEDULE_RECONCILE_SECONDS: "1",
    OZ_DEFAULT_IMAGE: "oz-test/busybox",
    OZ_LOG_LEVEL: "info",
  });
}, 150_000);

afterAll(async () => {
  await Promise.all(programs.map((p) => p.stop()));
  await redis?.stop();
  await database?.drop();
  rmSync(scratch, { recursive: true, force: true });
});

async function api(i: number, method: string, path: string, body?: unknown): Promise<{ id: string }> {
  const res = await fetch(`${apiUrls[i]}${path}`, {
    method,
    headers: { authorization: `Bearer ${team.apiKey}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { id: string };
}

/** The tick of every run the schedule made (from its per-tick Idempotency-Key), in order. */
async function ticksOf(scheduleId: string): Promise<number[]> {
  const runs = await database.db.run.findMany({ where: { scheduleId }, select: { idempotencyKey: true } });
  return runs.map((r) => Date.parse(r.idempotencyKey!.split(":").slice(2).join(":"))).sort((a, b) => a - b);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a schedule with two APIs and two workers", () => {
  it("makes one run per tick, across a Redis restart that loses its schedulers, and none while paused", async () => {
    const schedule = await api(0, "POST", "/agent/schedules", {
      name: "every tick",
      cron_schedule: "* * * * *",
      prompt: "tick",
      agent_config: { harness: { type: "command", command: "true" } },
    });
    await sleep(8 * TICK_MS);

    const downAt = Date.now();
    await redis.stop();
    await sleep(3_000);
    redis = await startRedisServer(redis.port); // empty: no schedulers, no jobs
    const upAt = Date.now();
    await sleep(8 * TICK_MS);

    await api(1, "POST", `/agent/schedules/${schedule.id}/pause`);
    const pausedAt = Date.now();
    await sleep(TICK_MS);
    const whilePaused = (await ticksOf(schedule.id)).length;
    await sleep(3 * TICK_MS);
    expect((await ticksOf(schedule.id)).length).toBe(whilePaused);

    const ticks = await ticksOf(schedule.id);
    // No tick twice, and each run is a tick of the expression.
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick % TICK_MS).toBe(0);
    // None lost while Redis was up: every tick from the first to just before the restart, and from shortly
    // after it (the consumers reconnect, the reconciler rebuilds) until the pause.
    const expected = (from: number, to: number) => {
      const all: number[] = [];
      for (let t = Math.ceil(from / TICK_MS) * TICK_MS; t <= to; t += TICK_MS) all.push(t);
      return all;
    };
    expect(ticks).toEqual(expect.arrayContaining(expected(ticks[0]!, downAt - TICK_MS)));
    expect(ticks).toEqual(expect.arrayContaining(expected(upAt + 3 * TICK_MS, pausedAt - TICK_MS)));
    // The ticks missed while Redis was down: the latest fired once on recovery, older ones skipped.
    const duringOutage = ticks.filter((t) => t > downAt && t <= upAt + TICK_MS);
    expect(duringOutage.length).toBeGreaterThanOrEqual(1);
    expect(duringOutage.length).toBeLessThanOrEqual(2);

    await api(0, "POST", `/agent/schedules/${schedule.id}/resume`);
    const deadline = Date.now() + 10_000;
    while ((await ticksOf(schedule.id)).length === whilePaused && Date.now() < deadline) await sleep(200);
    expect((await ticksOf(schedule.id)).length).toBeGreaterThan(whilePaused);
  }, 180_000);
});
