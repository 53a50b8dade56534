import type { Benchmark } from "../support/benchmark.ts";
import { runBare } from "../support/bare-docker.ts";
import { createCommandRun, startApi, startWorker, TEST_IMAGE, waitForRunsToEnd } from "../support/platform.ts";
import { sandboxFloor } from "../support/sandbox-floor.ts";
import { mean, ratio } from "../support/stats.ts";

const RUNS = 100;
const CONCURRENCY = 4;
/**
 * Baseline (B) and subject (S) rounds in ABBA order, so a drift in the machine's load hits both alike; in the
 * middle, one round of the sandbox alone (F) for scale.
 */
const ORDER = ["B", "S", "F", "S", "B"] as const;

/**
 * Issue 3: 100 no-op runs (`command: true`) end to end — created through the API, executed by a real worker at
 * concurrency 4, until every one has ended — against 100 bare dockerode create / start / wait / remove of the
 * same image, 4 at a time.
 */
/** Runs `once` RUNS times, CONCURRENCY at a time. */
async function fourAtATime(once: () => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < RUNS) await once();
    }),
  );
}

export const throughputBench: Benchmark = {
  name: "throughput",
  issue: 3,
  budgetMs: 480_000,
  async run(log) {
    const server = await startApi();
    await startWorker(server, { concurrency: CONCURRENCY });
    const floor = sandboxFloor();
    const rates: Record<"B" | "S" | "F", number[]> = { B: [], S: [], F: [] };

    for (const side of ORDER) {
      const started = performance.now();
      if (side === "S") {
        const ids: string[] = [];
        for (let i = 0; i < RUNS; i++) ids.push(await createCommandRun(server, "true"));
        const states = await waitForRunsToEnd(server.database.db, ids, 240_000);
        const failed = [...states.values()].filter((state) => state !== "SUCCEEDED").length;
        if (failed > 0) throw new Error(`${failed} of ${RUNS} no-op runs did not succeed`);
      } else {
        await fourAtATime(async () => {
          if (side === "B") {
            const exit = await runBare(TEST_IMAGE, "true");
            if (exit !== 0) throw new Error(`a bare container exited ${exit}`);
          } else {
            const sandbox = await floor.create();
            const { exitCode } = await sandbox.exec("true");
            await sandbox.destroy();
            if (exitCode !== 0) throw new Error(`a sandbox exec exited ${exitCode}`);
          }
        });
      }
      const seconds = (performance.now() - started) / 1000;
      rates[side].push(RUNS / seconds);
      log(
        `${side === "B" ? "baseline" : "subject "} round: ${RUNS} in ${seconds.toFixed(1)} s = ${(RUNS / seconds).toFixed(2)} runs/s`,
      );
    }
    const subject = mean(rates.S);
    const baseline = mean(rates.B);
    return {
      target: "≥ 0.85 of bare create/start/wait/remove runs/s",
      measured: `${ratio(subject / baseline)} of baseline`,
      pass: subject / baseline >= 0.85,
      details: [
        `subject  API → worker (concurrency ${CONCURRENCY}) → SUCCEEDED: ${subject.toFixed(2)} runs/s (mean of ${rates.S.length} rounds of ${RUNS})`,
        `baseline bare create/start/wait/remove (concurrency ${CONCURRENCY}): ${baseline.toFixed(2)} runs/s`,
        `for scale, the sandbox alone (hardened create + start + exec true + remove, no API/queue/DB): ${rates.F[0]!.toFixed(2)} runs/s = ${ratio(rates.F[0]! / baseline)} of the baseline`,
      ],
    };
  },
};
