import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrometheusScrape } from "@oz/testing";
import { serveMetrics, type MetricsServer } from "../src/metrics/metrics-server.ts";
import {
  commandRun,
  createEnvironment,
  createSecret,
  startTestPlatform,
  waitForState,
  workerProcessEnv,
  type TestPlatform,
} from "./support/platform.ts";
import { spawnProgram, type ProgramProcess } from "./support/processes.ts";

const TOKEN = `scrape-${randomUUID()}`;

let platform: TestPlatform;
let server: MetricsServer;
beforeAll(async () => {
  platform = await startTestPlatform();
  server = await serveMetrics({
    registry: platform.worker.deps.metrics.registry,
    port: 0,
    host: "127.0.0.1",
    token: TOKEN,
  });
});
afterAll(async () => {
  await server?.close();
  await platform?.close();
});

async function scrape(port: number, token = TOKEN): Promise<PrometheusScrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return new PrometheusScrape(await res.text());
}

describe("a worker's metrics after real runs", () => {
  it("count each run's dispatch, sandbox start and end, and each sandbox that could not start", async () => {
    const before = await scrape(server.port);
    const secret = `metrics-secret-${randomUUID()}`;
    await createSecret(platform, "METRICS_SECRET", secret);
    const withSecret = await createEnvironment(platform, { secrets: ["METRICS_SECRET"] });
    const missingImage = await createEnvironment(platform, { docker_image: "oz-test/no-such-image:latest" });

    const succeeded = await commandRun(platform, "echo ok", { environment_id: withSecret });
    const failed = await commandRun(platform, "exit 3");
    const unstartable = await commandRun(platform, "true", { environment_id: missingImage });
    expect((await waitForState(platform, succeeded)).state).toBe("SUCCEEDED");
    expect((await waitForState(platform, failed)).state).toBe("FAILED");
    expect((await waitForState(platform, unstartable)).status_message?.error_code).toBe("environment_setup_failed");

    // The worker counts a run's end just after the end is written, so the API may show it a moment earlier.
    const ended = (scraped: PrometheusScrape) =>
      scraped.value("oz_runs_ended_total", { state: "FAILED", harness: "command" });
    let after = await scrape(server.port);
    for (let i = 0; i < 50 && ended(after) - ended(before) < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(server.port);
    }
    const moved = (name: string, labels: Record<string, string>, histogram = false) =>
      histogram
        ? after.histogramCount(name, labels) - before.histogramCount(name, labels)
        : after.value(name, labels) - before.value(name, labels);
    expect(moved("oz_run_dispatch_seconds", { stage: "claimed", harness: "command" }, true)).toBe(3);
    // The run whose image is missing never gets a sandbox, so its harness never starts.
    expect(moved("oz_run_dispatch_seconds", { stage: "running", harness: "command" }, true)).toBe(2);
    expect(moved("oz_sandbox_start_seconds", {}, true)).toBe(2);
    expect(moved("oz_sandbox_start_failures_total", { reason: "image_missing" })).toBe(1);
    expect(moved("oz_runs_ended_total", { state: "SUCCEEDED", harness: "command" })).toBe(1);
    // The failed command and the run whose image is missing.
    expect(moved("oz_runs_ended_total", { state: "FAILED", harness: "command" })).toBe(2);
    expect(after.value("oz_worker_active_runs")).toBe(0);

    // Dispatch takes some time, but not the minutes of the top buckets.
    const claimedCount = after.value("oz_run_dispatch_seconds_count", { stage: "claimed" });
    expect(after.value("oz_run_dispatch_seconds_sum", { stage: "claimed" })).toBeGreaterThan(0);
    expect(after.value("oz_run_dispatch_seconds_bucket", { stage: "claimed", le: "30" })).toBe(claimedCount);

    // Labels are bounded names: never a run id, a secret or the scrape token.
    for (const value of after.labelValues()) {
      expect(value).not.toContain(secret);
      expect(value).not.toContain(TOKEN);
      expect([succeeded, failed, unstartable]).not.toContain(value);
    }
  });

  it("counts a run as active while its harness runs", async () => {
    const runId = await commandRun(platform, "sleep 30");
    await waitForState(platform, runId, ["INPROGRESS"]);
    expect((await scrape(server.port)).value("oz_worker_active_runs")).toBe(1);
    await fetch(`${platform.server.baseUrl}/agent/runs/${runId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${platform.key}` },
    });
    await waitForState(platform, runId);
  });

  it("refuses a scrape without the token, and answers nothing but /metrics", async () => {
    const unauthenticated = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.text()).not.toContain("oz_");
    expect(
      (await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: "Bearer nope" } })).status,
    ).toBe(401);
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
  });
});

describe("the worker program's metrics port", () => {
  const programs: ProgramProcess[] = [];
  afterAll(() => Promise.all(programs.map((program) => program.stop())));

  const startWorker = (port: number) => {
    const program = spawnProgram("worker", {
      ...workerProcessEnv(platform, `metrics-${randomUUID()}`),
      OZ_LOG_LEVEL: "info",
      OZ_WORKER_METRICS_PORT: String(port),
      OZ_WORKER_METRICS_HOST: "127.0.0.1",
      OZ_METRICS_TOKEN: TOKEN,
    });
    programs.push(program);
    return program;
  };

  // Starting three worker programs takes a while on a shared machine.
  it("serves each worker's metrics on a free port of its own with port 0, and a worker given a taken port refuses to start", async () => {
    const workers = [startWorker(0), startWorker(0)];
    const ports = await Promise.all(
      workers.map(async (worker) => {
        await worker.waitForOutput(/serving Prometheus metrics/, 90_000);
        return Number(/"port":(\d+)/.exec(worker.output())![1]);
      }),
    );
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) {
      const scraped = await scrape(port);
      expect(scraped.value("oz_worker_active_runs")).toBe(0);
      expect(scraped.value("process_resident_memory_bytes")).toBeGreaterThan(0);
      expect(scraped.families).toContain("oz_warm_pool_hits_total");
    }

    const clash = startWorker(ports[0]!);
    await clash.waitForOutput(/OZ_WORKER_METRICS_PORT \d+ is already in use/, 90_000);
    await new Promise<void>((resolve) => {
      if (clash.child.exitCode !== null) resolve();
      else clash.child.once("exit", () => resolve());
    });
    expect(clash.child.exitCode).toBe(1);
  }, 240_000);
});
