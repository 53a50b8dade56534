import type { Benchmark } from "../support/benchmark.ts";
import { runBare } from "../support/bare-docker.ts";
import { createCommandRun, startApi, startWorker, TEST_IMAGE, waitForRunsToEnd } from "../support/platform.ts";
import { sandboxFloor } from "../support/sandbox-floor.ts";
import { ratio } from "../support/stats.ts";

const RUNS = 100;
const CONCURRENCY = 4;
/** Each side's 100 runs are done in rounds of 25, so that the machine's (shared, drifting) load hits all alike. */
const ROUND = 25;
/** Baseline (B), subject (S) and, for scale, the sandbox alone (F), in mirrored order. */
const ORDER = ["B", "S", "F", "F", "S", "B", "B", "S", "F", "F", "S", "B"] as const;
type Side = (typeof ORDER)[number];

/**
 * 100 no-op runs (`command: true`) end to end — created through the API, executed by a real worker at
 * concurrency 4, until every one has ended — against 100 bare dockerode create / start / wait / remove of the
 * same image, 4 at a time. For scale, 100 sandboxes made by the worker's own provider (hardened create + start,
 * `true` as the final command, remove; no API, queue or database): the sandbox layer's floor.
 */
export const throughputBench: Benchmark = {
  name: "throughput",
  area: "execution",
  budgetMs: 480_000,
  async run(log) {
    const server = await startApi();
    await startWorker(server, { concurrency: CONCURRENCY });
    const floor = sandboxFloor();
    const seconds: Record<Side, number> = { B: 0, S: 0, F: 0 };

    for (const side of ORDER) {
      const started = performance.now();
      if (side === "S") {
        const ids: string[] = [];
        for (let i = 0; i < ROUND; i++) ids.push(await createCommandRun(server, "true"));
        const states = await waitForRunsToEnd(server.database.db, ids, 120_000);
        const failed = [...states.values()].filter((state) => state !== "SUCCEEDED").length;
        if (failed > 0) throw new Error(`${failed} of ${ROUND} no-op runs did not succeed`);
      } else if (side === "B") {
        await inParallel(async () => {
          const exit = await runBare(TEST_IMAGE, "true");
          if (exit !== 0) throw new Error(`a bare container exited ${exit}`);
        });
      } else {
        await inParallel(async () => {
          const sandbox = await floor.create();
          const { exitCode } = await sandbox.exec("true", { final: true });
          await sandbox.destroy();
          if (exitCode !== 0) throw new Error(`a sandbox's exec exited ${exitCode}`);
        });
      }
      const took = (performance.now() - started) / 1000;
      seconds[side] += took;
      log(`${{ B: "baseline", S: "subject", F: "sandbox alone" }[side]}: ${ROUND} in ${took.toFixed(1)} s`);
    }
    const rate = (side: Side) => RUNS / seconds[side];
    const measured = rate("S") / rate("B");
    return {
      target: "≥ 0.85 of bare create/start/wait/remove runs/s",
      measured: `${ratio(measured)} of baseline`,
      pass: measured >= 0.85,
      details: [
        `subject  API → worker (concurrency ${CONCURRENCY}) → SUCCEEDED: ${rate("S").toFixed(2)} runs/s (${RUNS} runs)`,
        `baseline bare create/start/wait/remove (concurrency ${CONCURRENCY}): ${rate("B").toFixed(2)} runs/s`,
        `for scale, the sandbox alone (hardened create + start, final command true, remove; no API/queue/DB): ` +
          `${rate("F").toFixed(2)} runs/s = ${ratio(rate("F") / rate("B"))} of the baseline`,
      ],
    };
  },
};

/** Runs `once` ROUND times, CONCURRENCY at a time. */
async function inParallel(once: () => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < ROUND) await once();
    }),
  );
}
