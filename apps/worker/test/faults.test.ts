import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  containersOf,
  startTestPlatform,
  waitForState,
  workerProcessEnv,
} from "./support/platform.ts";
import { spawnWorkerProcess, startRedisServer, startTcpProxy } from "./support/processes.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function platformWithoutWorker(options: Parameters<typeof startTestPlatform>[1] = {}) {
  const platform = await startTestPlatform({}, { ...options, withoutWorker: true });
  cleanups.push(() => platform.close());
  return platform;
}

describe("a worker killed mid-run", () => {
  it("leaves the run ERROR with a message within lease + sweep time, and its container removed", async () => {
    const platform = await platformWithoutWorker();
    const child = spawnWorkerProcess(workerProcessEnv(platform, `doomed-${randomUUID()}`));
    cleanups.push(async () => child.kill("SIGKILL"));
    const runId = await commandRun(platform, "echo working; sleep 120");
    await waitForState(platform, runId, ["INPROGRESS"], 60_000);
    expect(await containersOf(runId)).toHaveLength(1);

    child.kill("SIGKILL");
    const killedAt = Date.now();
    await platform.addWorker({ leaseMs: 2_000, sweepIntervalMs: 500 }); // a surviving worker's sweeper
    const run = await waitForState(platform, runId, ["ERROR"], 15_000);
    expect(Date.now() - killedAt).toBeLessThan(2_000 + 500 + 5_000);
    expect(run.status_message).toMatchObject({ error_code: "agent_process_failed", retryable: false });
    expect(run.status_message?.message).toMatch(/stopped responding/);
    expect(await containersOf(runId)).toEqual([]);
  });

  it("with no worker left, is ended by the API alone within lease + sweep time", async () => {
    const platform = await platformWithoutWorker({ sweepIntervalMs: 500 });
    const child = spawnWorkerProcess(workerProcessEnv(platform, `last-${randomUUID()}`));
    cleanups.push(async () => child.kill("SIGKILL"));
    const runId = await commandRun(platform, "echo working; sleep 120");
    await waitForState(platform, runId, ["INPROGRESS"], 60_000);

    child.kill("SIGKILL");
    const killedAt = Date.now();
    const run = await waitForState(platform, runId, ["ERROR"], 15_000);
    // Lease (2 s) + the API's one-interval grace and sweep (2 × 0.5 s) + a loaded machine's slack.
    expect(Date.now() - killedAt).toBeLessThan(2_000 + 1_000 + 5_000);
    expect(run.status_message).toMatchObject({ error_code: "agent_process_failed", retryable: false });
    expect(run.status_message?.message).toMatch(/stopped responding \(its lease expired\)/);

    // The API has no Docker: the dead worker's container goes with the next worker sweep on its host.
    const survivor = await platform.addWorker({ sweepIntervalMs: 60_000 });
    await survivor.worker.sweepNow(); // the scheduler's first pass may be removing it already (Docker: 409)
    for (let i = 0; i < 50 && (await containersOf(runId)).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await containersOf(runId)).toEqual([]);
  });

  it("is cleaned up by its own restart: the runs it held end and its sandboxes go", async () => {
    const platform = await platformWithoutWorker();
    const workerId = `restarting-${randomUUID()}`;
    const child = spawnWorkerProcess({ ...workerProcessEnv(platform, workerId), OZ_LEASE_SECONDS: "600" });
    cleanups.push(async () => child.kill("SIGKILL"));
    const runId = await commandRun(platform, "sleep 120");
    await waitForState(platform, runId, ["INPROGRESS"], 60_000);
    child.kill("SIGKILL");

    await platform.addWorker({ workerId, leaseMs: 600_000 });
    const run = await waitForState(platform, runId, ["ERROR"], 10_000);
    expect(run.status_message?.message).toContain(`Worker ${workerId} restarted`);
    expect(await containersOf(runId)).toEqual([]);
  });
});

describe("Redis restarting", () => {
  it("loses no run: queued and running runs all finish, and a run accepted while Redis is down runs later", async () => {
    const redis = await startRedisServer();
    cleanups.unshift(() => redis.stop());
    const platform = await platformWithoutWorker({ redisUrl: redis.url });
    await platform.addWorker({ concurrency: 2, sweepIntervalMs: 300 });

    const runIds = await Promise.all(Array.from({ length: 6 }, () => commandRun(platform, "sleep 1; echo done")));
    await waitForState(platform, runIds[0]!, ["INPROGRESS", "SUCCEEDED"], 30_000);
    await redis.stop();
    const acceptedWhileDown = await commandRun(platform, "echo accepted-while-down");
    await new Promise((r) => setTimeout(r, 500));
    const restarted = await startRedisServer(redis.port);
    cleanups.unshift(() => restarted.stop()); // after the platform has closed its connections

    for (const runId of [...runIds, acceptedWhileDown]) {
      const run = await waitForState(platform, runId, undefined, 60_000);
      expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    }
    const pendingEvents = await platform.server.database.db.runEvent.count({
      where: { runId: { in: runIds }, type: "state", payload: { equals: { state: "INPROGRESS" } } },
    });
    expect(pendingEvents).toBe(runIds.length); // each run executed exactly once
  });
});

describe("Postgres briefly unavailable", () => {
  it("answers 503 resource_unavailable (retryable) and recovers when it is back", async () => {
    const target = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const platform = await startTestPlatform(
      {},
      {
        withoutWorker: true,
        apiDatabaseUrl: (url) => {
          const u = new URL(url);
          u.port = String(proxy.port);
          return u.toString();
        },
      },
    );
    cleanups.push(() => platform.close());
    const ok = await call(platform.server, "GET", "/agent/runs", { key: platform.key });
    expect(ok.status).toBe(200);

    await proxy.cut();
    const down = await call(platform.server, "GET", "/agent/runs", { key: platform.key });
    expect(down.status).toBe(503);
    expect(down.json).toMatchObject({ status: 503, retryable: true });
    expect(down.json.type).toMatch(/resource_unavailable$/);
    expect(down.headers.get("x-should-retry")).toBe("true");

    await proxy.restore();
    let recovered = 0;
    for (let i = 0; i < 50 && recovered !== 200; i++) {
      recovered = (await call(platform.server, "GET", "/agent/runs", { key: platform.key })).status;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(200);
  });
});

describe("a run past the maximum runtime", () => {
  it("is stopped: ERROR infrastructure_timeout, container removed", async () => {
    const platform = await platformWithoutWorker();
    await platform.addWorker({ maxRuntimeMs: 1_500 });
    const runId = await commandRun(platform, "sleep 60");
    const run = await waitForState(platform, runId, ["ERROR"], 20_000);
    expect(run.status_message).toMatchObject({ error_code: "infrastructure_timeout", retryable: false });
    expect(await containersOf(runId)).toEqual([]);
  });
});
