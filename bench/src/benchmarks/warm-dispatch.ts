import type { Benchmark } from "../support/benchmark.ts";
import { createBare, execBare } from "../support/bare-docker.ts";
import { sandboxClockMs, wallClockMs } from "../support/clock.ts";
import {
  createCommandRun,
  runOutput,
  startApi,
  startWorker,
  TEST_IMAGE,
  waitForRunsToEnd,
} from "../support/platform.ts";
import { describeLatencies, median, ratio } from "../support/stats.ts";
import { createBenchEnvironment, waitForFullPool } from "../support/warm-pool.ts";
import { milestones, SAMPLES, STAMP, stampOf, WARMUP } from "./dispatch.ts";

/**
 * Warm pools: from `POST /agent/runs` of a run whose environment has a warm sandbox ready to the harness's process
 * running in it, against a bare `docker exec` of the same command into an already running container of the same
 * image. Both timed to the moment the process read the clock; one at a time, alternating, and the pool is refilled
 * (untimed) before every sample of either side, so a fill never runs during a measurement.
 */
export const warmDispatchBench: Benchmark = {
  name: "warm-dispatch",
  area: "execution",
  budgetMs: 300_000,
  async run(log) {
    const server = await startApi();
    const worker = await startWorker(server, { concurrency: 1, warmPoolMaxSize: 1, warmPoolRefreshMs: 200 });
    const environmentId = await createBenchEnvironment(server, "warm", 1);
    const running = await createBare(TEST_IMAGE, "sleep 3600");
    await running.start();

    const subject: number[] = [];
    const baseline: number[] = [];
    const steps = new Map<string, number[]>();
    let hits = 0;
    for (let i = -WARMUP; i < SAMPLES; i++) {
      await waitForFullPool(worker, environmentId, 1);
      const sent = wallClockMs();
      const runId = await createCommandRun(server, STAMP, { environment_id: environmentId });
      const states = await waitForRunsToEnd(server.database.db, [runId], 60_000);
      if (states.get(runId) !== "SUCCEEDED") throw new Error(`run ${runId} ended ${states.get(runId)}`);
      const subjectMs = sandboxClockMs(stampOf(await runOutput(server.database.db, runId))) - sent;
      const warm = await server.database.db.runEvent.count({
        where: { runId, type: "setup_step", payload: { path: ["warm_pool"], equals: true } },
      });

      await waitForFullPool(worker, environmentId, 1);
      const execAt = wallClockMs();
      const { stdout } = await execBare(running, STAMP);
      const baselineMs = sandboxClockMs(stampOf(stdout)) - execAt;

      if (i >= 0) {
        if (warm > 0) hits++;
        for (const [step, at] of await milestones(server.database.db, runId)) {
          steps.set(step, [...(steps.get(step) ?? []), at - sent]);
        }
        subject.push(subjectMs);
        baseline.push(baselineMs);
      }
      log(
        `${i < 0 ? "warm-up" : `sample ${i + 1}`}: POST → process in a warm sandbox ${subjectMs.toFixed(0)} ms${warm > 0 ? "" : " (MISS: started cold)"}, bare docker exec → process ${baselineMs.toFixed(0)} ms`,
      );
    }
    const p50Ratio = median(subject) / median(baseline);
    return {
      target: "≤ 1.3× a bare docker exec into a running container at p50",
      measured: `${ratio(p50Ratio)}×`,
      pass: p50Ratio <= 1.3 && hits === SAMPLES,
      details: [
        `subject  POST → harness process started in a warm sandbox: ${describeLatencies(subject)} (${hits}/${SAMPLES} runs took a warm sandbox)`,
        `baseline bare docker exec → process started: ${describeLatencies(baseline)}`,
        `subject timeline (p50 after the POST): ${[...steps].map(([step, at]) => `${step} ${median(at).toFixed(0)} ms`).join(" → ")}`,
      ],
    };
  },
};
