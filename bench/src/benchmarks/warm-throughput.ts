import type { Benchmark } from "../support/benchmark.ts";
import { createCommandRun, startApi, startWorker, waitForRunsToEnd } from "../support/platform.ts";
import { ratio } from "../support/stats.ts";
import { createBenchEnvironment, waitForFullPool } from "../support/warm-pool.ts";

const POOL = 4;
/** Cold (C) and warm (W) bursts, mirrored so the machine's drifting load hits both alike. */
const ORDER = ["C", "W", "W", "C", "C", "W", "W", "C"] as const;

/**
 * Warm pools: bursts of 4 runs (the worker's concurrency, and the pool's size) of an environment with one setup
 * command, created at once through the API until all 4 ended, with a warm pool of 4 (W) against the same
 * environment without one (C). The pool is refilled, untimed, before every burst of either side, so each warm
 * burst finds 4 sandboxes ready and no fill runs during a measurement.
 */
export const warmThroughputBench: Benchmark = {
  name: "warm-throughput",
  area: "execution",
  budgetMs: 400_000,
  async run(log) {
    const server = await startApi();
    const worker = await startWorker(server, { concurrency: POOL, warmPoolMaxSize: POOL, warmPoolRefreshMs: 200 });
    const cold = await createBenchEnvironment(server, "cold", 0);
    const warm = await createBenchEnvironment(server, "warm", POOL);
    const seconds = { C: 0, W: 0 };
    let warmRuns = 0;
    let hits = 0;

    for (const side of ORDER) {
      await waitForFullPool(worker, warm, POOL);
      const environmentId = side === "W" ? warm : cold;
      const started = performance.now();
      const ids = await Promise.all(
        Array.from({ length: POOL }, () =>
          createCommandRun(server, "cat /workspace/ready", { environment_id: environmentId }),
        ),
      );
      const states = await waitForRunsToEnd(server.database.db, ids, 120_000);
      const elapsed = (performance.now() - started) / 1000;
      if ([...states.values()].some((state) => state !== "SUCCEEDED")) throw new Error(`a ${side} run did not succeed`);
      seconds[side] += elapsed;
      if (side === "W") {
        warmRuns += POOL;
        for (const runId of ids) {
          const replayed = await server.database.db.runEvent.count({
            where: { runId, type: "setup_step", payload: { path: ["warm_pool"], equals: true } },
          });
          if (replayed > 0) hits++;
        }
      }
      log(
        `${side === "W" ? "warm" : "cold"} burst of ${POOL}: ${elapsed.toFixed(2)} s (${(POOL / elapsed).toFixed(2)} runs/s)`,
      );
    }
    const bursts = ORDER.length / 2;
    const coldRate = (bursts * POOL) / seconds.C;
    const warmRate = (bursts * POOL) / seconds.W;
    const gain = warmRate / coldRate;
    return {
      target: "bursts of 4 runs with a warm pool of 4 ≥ 2× the cold throughput",
      measured: `${ratio(gain)}×`,
      pass: gain >= 2 && hits === warmRuns,
      details: [
        `subject  warm pool of 4: ${warmRate.toFixed(2)} runs/s (${hits}/${warmRuns} runs took a warm sandbox)`,
        `baseline cold (same environment, no pool): ${coldRate.toFixed(2)} runs/s`,
      ],
    };
  },
};
