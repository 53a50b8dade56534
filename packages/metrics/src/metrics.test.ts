import { describe, expect, it, vi } from "vitest";
import { createApiMetrics, createWorkerMetrics, describeMetrics, scrapeTokenMatches } from "./index.ts";

describe("metric registries", () => {
  it("keeps each process's counts apart, so two workers in one test process never share a series", async () => {
    const first = createWorkerMetrics({ defaultMetrics: false });
    const second = createWorkerMetrics({ defaultMetrics: false });
    first.pool.hits.inc({ environment: "env-a" });
    first.pool.hits.inc({ environment: "env-a" });
    second.pool.misses.inc({ environment: "env-a" });

    const scrape = await first.registry.metrics();
    expect(scrape).toContain('oz_warm_pool_hits_total{environment="env-a"} 2');
    expect(scrape).not.toContain('oz_warm_pool_misses_total{environment="env-a"}');
    expect(await second.registry.metrics()).toContain('oz_warm_pool_misses_total{environment="env-a"} 1');
  });

  it("includes the process's own CPU and memory figures unless asked not to", async () => {
    expect(await createApiMetrics().registry.metrics()).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(await createApiMetrics({ defaultMetrics: false }).registry.metrics()).not.toContain("process_");
  });

  it("copies the process's figures from a reading taken in the background about once a second", async () => {
    const { registry } = createApiMetrics({ labels: { process: "api" } });
    const cpuSeconds = async () => {
      const line = (await registry.metrics()).match(/^process_cpu_user_seconds_total\{process="api"\} (\S+)$/m);
      expect(line).not.toBeNull();
      return Number(line![1]);
    };
    /** Spins until the process has used `seconds` more CPU time in user mode (what the metric counts). */
    const burnCpu = (seconds: number) => {
      for (const until = process.cpuUsage().user + seconds * 1e6; process.cpuUsage().user < until;);
    };
    const first = await cpuSeconds();
    burnCpu(0.1);
    expect(await cpuSeconds()).toBe(first); // the same reading: the scrape did not read the figures again
    burnCpu(0.1);
    await vi.waitFor(async () => expect(await cpuSeconds()).toBeGreaterThanOrEqual(first + 0.2), {
      timeout: 5_000,
      interval: 200,
    });
  });

  it("puts the process label on every series", async () => {
    const metrics = createWorkerMetrics({ defaultMetrics: false, labels: { process: "worker" } });
    metrics.runsEnded.inc({ state: "SUCCEEDED", harness: "command" });
    expect(await metrics.registry.metrics()).toContain(
      'oz_runs_ended_total{state="SUCCEEDED",harness="command",process="worker"} 1',
    );
  });
});

describe("scrape token", () => {
  const token = "s3cret-scrape-token-0123456789";
  it("accepts exactly the configured bearer token", () => {
    expect(scrapeTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(scrapeTokenMatches(`bearer ${token}`, token)).toBe(true);
    expect(scrapeTokenMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(scrapeTokenMatches(`Bearer ${token.slice(0, -1)}`, token)).toBe(false);
    expect(scrapeTokenMatches(token, token)).toBe(false);
    expect(scrapeTokenMatches(undefined, token)).toBe(false);
  });
});

describe("describeMetrics", () => {
  it("lists each metric's type and own label names, observed or not", () => {
    const metrics = createWorkerMetrics({ defaultMetrics: false, labels: { process: "worker" } });
    const described = describeMetrics(metrics.registry);
    expect(described.find((m) => m.name === "oz_run_dispatch_seconds")).toMatchObject({
      type: "histogram",
      labels: ["stage", "harness"],
    });
    expect(described.find((m) => m.name === "oz_worker_active_runs")).toMatchObject({ type: "gauge", labels: [] });
    expect(described.map((m) => m.name)).toContain("oz_warm_pool_misses_total");
  });
});
