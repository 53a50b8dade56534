import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunItem } from "@oz/contract";
import { createEnvironment } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

/**
 * Ticks create runs. The server runs with the testing seconds field `*\/2`, so the public 5-field `* * * * *`
 * ticks every two seconds instead of every minute.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { schedules: { reconcileIntervalMs: 1_000, secondsField: "*/2" } });
});
afterAll(() => server.close());

const key = () => server.team.apiKey;

async function runsOf(scheduleId: string): Promise<RunItem[]> {
  const res = await call(server, "GET", `/agent/runs?schedule_id=${scheduleId}&limit=100&sort_by=created_at`, {
    key: key(),
  });
  expect(res.status).toBe(200);
  return res.json.runs;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function createSchedule(body: Record<string, unknown>) {
  const res = await call(server, "POST", "/agent/schedules", { key: key(), body });
  expect(res.status, res.text).toBe(200);
  return res.json as { id: string };
}

describe("firing scheduled agents", () => {
  it("creates one run per tick, stamped with the schedule, its metadata and mode", async () => {
    const schedule = await createSchedule({
      name: "every tick",
      cron_schedule: "* * * * *",
      prompt: "Say hello",
      metadata: { origin: "cron" },
      mode: "plan",
    });
    const runs = await waitFor("two scheduled runs", async () => {
      const found = await runsOf(schedule.id);
      return found.length >= 2 ? found : undefined;
    });
    for (const run of runs) {
      expect(run).toMatchObject({
        source: "SCHEDULED_AGENT",
        prompt: "Say hello",
        state: "QUEUED",
        metadata: { origin: "cron" },
        schedule: { schedule_id: schedule.id, schedule_name: "every tick", cron_schedule: "* * * * *" },
        creator: { uid: server.team.userId, type: "user" },
        // What triggered it: the schedule's page in the dashboard.
        trigger_url: `http://oz.test/schedules/${schedule.id}`,
      });
    }
    const row = await server.database.db.run.findUniqueOrThrow({ where: { id: runs[0]!.run_id } });
    expect(row.mode).toBe("plan");
    // One run per tick: each run's key names a distinct tick, two seconds apart.
    const ticks = (
      await server.database.db.run.findMany({ where: { scheduleId: schedule.id }, select: { idempotencyKey: true } })
    ).map((r) => Date.parse(r.idempotencyKey!.split(":").slice(2).join(":")));
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick % 2_000).toBe(0);

    const item = await call(server, "GET", `/agent/schedules/${schedule.id}`, { key: key() });
    expect(item.json.history.last_ran).not.toBeNull();
    expect(item.json.last_spawn_error).toBeNull();
    await call(server, "DELETE", `/agent/schedules/${schedule.id}`, { key: key() });
  });

  it("stops while paused and starts again when resumed", async () => {
    const schedule = await createSchedule({ name: "pausable", cron_schedule: "* * * * *", prompt: "tick" });
    await waitFor("a first run", async () => ((await runsOf(schedule.id)).length >= 1 ? true : undefined));
    expect((await call(server, "POST", `/agent/schedules/${schedule.id}/pause`, { key: key() })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500)); // a tick already being fired may still land
    const whilePaused = (await runsOf(schedule.id)).length;
    await new Promise((r) => setTimeout(r, 5_000)); // two ticks and more
    expect((await runsOf(schedule.id)).length).toBe(whilePaused);

    expect((await call(server, "POST", `/agent/schedules/${schedule.id}/resume`, { key: key() })).status).toBe(200);
    await waitFor("a run after resuming", async () =>
      (await runsOf(schedule.id)).length > whilePaused ? true : undefined,
    );
    await call(server, "DELETE", `/agent/schedules/${schedule.id}`, { key: key() });
  });

  it("records a refused tick as last_spawn_error, stays enabled, and clears it on the next run", async () => {
    const db = server.database.db;
    const environmentId = await createEnvironment(db, server.team.teamId, "gone-soon");
    await db.environment.update({ where: { id: environmentId }, data: { deletedAt: new Date() } });
    const schedule = await createSchedule({
      name: "refused",
      cron_schedule: "* * * * *",
      prompt: "x",
      agent_config: { environment_id: environmentId },
    });
    const refused = await waitFor("a spawn error", async () => {
      const res = await call(server, "GET", `/agent/schedules/${schedule.id}`, { key: key() });
      return res.json.last_spawn_error ? res.json : undefined;
    });
    expect(refused.last_spawn_error).toBe(`resource_not_found: environment ${environmentId} not found`);
    expect(refused.enabled).toBe(true);
    expect(refused.history.last_ran).toBeNull();
    expect(await runsOf(schedule.id)).toEqual([]);

    await db.environment.update({ where: { id: environmentId }, data: { deletedAt: null } });
    const recovered = await waitFor("a run after the environment is back", async () => {
      const res = await call(server, "GET", `/agent/schedules/${schedule.id}`, { key: key() });
      return res.json.last_spawn_error === null ? res.json : undefined;
    });
    expect(recovered.history.last_ran).not.toBeNull();
    expect((await runsOf(schedule.id)).length).toBeGreaterThan(0);
    await call(server, "DELETE", `/agent/schedules/${schedule.id}`, { key: key() });
  });

  it("records a tick refused by the team's budget as budget_exceeded and keeps the schedule enabled", async () => {
    const setBudget = (limit: number | null) =>
      call(server, "PUT", "/team/budget", { key: key(), body: { monthly_limit_usd: limit } });
    expect((await setBudget(0)).status).toBe(200); // a limit of zero is spent at once
    try {
      const schedule = await createSchedule({ name: "over budget", cron_schedule: "* * * * *", prompt: "x" });
      const refused = await waitFor("a spawn error", async () => {
        const res = await call(server, "GET", `/agent/schedules/${schedule.id}`, { key: key() });
        return res.json.last_spawn_error ? res.json : undefined;
      });
      expect(refused.last_spawn_error).toMatch(/^budget_exceeded: /);
      expect(refused.last_spawn_error).toContain("$0");
      expect(refused.enabled).toBe(true);
      expect(refused.history.next_run).not.toBeNull();
      expect(await runsOf(schedule.id)).toEqual([]);
      await call(server, "DELETE", `/agent/schedules/${schedule.id}`, { key: key() });
    } finally {
      await setBudget(null);
    }
  });

  it("rebuilds a job scheduler Redis lost, and fires the tick it missed once", async () => {
    const schedule = await createSchedule({ name: "lost", cron_schedule: "* * * * *", prompt: "x" });
    await waitFor("a first run", async () => ((await runsOf(schedule.id)).length >= 1 ? true : undefined));
    // Redis forgets the scheduler (as a restart without persistence would); Postgres still has the schedule.
    const { Queue } = await import("bullmq");
    const { Redis } = await import("ioredis");
    const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
    const queue = new Queue("oz-schedules", { connection, prefix: server.queuePrefix });
    await queue.removeJobScheduler(schedule.id);
    const before = (await runsOf(schedule.id)).length;
    await waitFor("the scheduler back", async () => ((await queue.getJobScheduler(schedule.id)) ? true : undefined));
    await waitFor("runs again", async () => ((await runsOf(schedule.id)).length > before + 1 ? true : undefined));
    await queue.close();
    connection.disconnect();
    const keys = (
      await server.database.db.run.findMany({ where: { scheduleId: schedule.id }, select: { idempotencyKey: true } })
    ).map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    await call(server, "DELETE", `/agent/schedules/${schedule.id}`, { key: key() });
  });
});
