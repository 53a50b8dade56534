import { describe, expect, it } from "vitest";
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
