import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerSandboxProvider } from "@oz/sandbox";
import { spawnWorkerProcess } from "../../../apps/worker/test/support/processes.ts";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import {
  createCommandRun,
  REDIS_URL,
  startApi,
  TEST_IMAGE,
  uniqueName,
  waitForRunsToEnd,
} from "../support/platform.ts";
import { median } from "../support/stats.ts";

const RUNS = 8;
const SETTLE_MS = 5_000;

/**
 * what each concurrent run costs the worker process in memory. The real worker program runs as a
 * child (concurrency 8); its VmRSS is read idle — after one run has warmed up every code path a run uses —
 * and again while 8 `sleep` runs are in progress. Per run = (busy − idle) / 8.
 */
export const workerMemoryBench: Benchmark = {
  name: "worker-memory",
  area: "execution",
  budgetMs: 180_000,
  async run(log) {
    const server = await startApi();
    const blobDir = await mkdtemp(join(tmpdir(), "oz-bench-blobs-"));
    onCleanup(() => rm(blobDir, { recursive: true, force: true }));
    const workerId = uniqueName("worker");
    const child = spawnWorkerProcess({
      DATABASE_URL: server.database.url,
      REDIS_URL,
      OZ_QUEUE_PREFIX: server.queuePrefix,
      OZ_WORKER_ID: workerId,
      OZ_WORKER_CONCURRENCY: String(RUNS),
      OZ_DEFAULT_IMAGE: TEST_IMAGE,
      OZ_MASTER_KEY: server.masterKey.toString("base64"),
      OZ_BLOB_DIR: blobDir,
    });
    onCleanup(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
        await exited;
      }
      const sandboxes = new DockerSandboxProvider();
      await sandboxes.reapOrphans(workerId, new Set());
    });

    const warmUp = await createCommandRun(server, "true");
    await waitForRunsToEnd(server.database.db, [warmUp], 60_000);
    const idle = await rssMb(child.pid!);
    log(`worker idle (after a warm-up run): ${idle.toFixed(1)} MB`);

    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) runIds.push(await createCommandRun(server, "echo working; sleep 60"));
    await waitForState(server, runIds, "INPROGRESS");
    const busy = await rssMb(child.pid!);
    log(`worker with ${RUNS} runs in progress: ${busy.toFixed(1)} MB`);

    for (const runId of runIds) {
      await fetch(`${server.baseUrl}/agent/runs/${runId}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.team.apiKey}` },
      });
    }
    await waitForRunsToEnd(server.database.db, runIds, 30_000);

    const perRun = (busy - idle) / RUNS;
    return {
      target: "≤ 15 MB worker RSS per concurrent run",
      measured: `${perRun.toFixed(1)} MB per run`,
      pass: perRun <= 15,
      details: [`worker RSS idle ${idle.toFixed(1)} MB, with ${RUNS} runs in progress ${busy.toFixed(1)} MB`],
    };
  },
};

async function waitForState(server: Awaited<ReturnType<typeof startApi>>, runIds: string[], state: "INPROGRESS") {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const count = await server.database.db.run.count({ where: { id: { in: runIds }, state } });
    if (count === runIds.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${runIds.length} runs did not all reach ${state}`);
}

/** Median VmRSS (MB) of five readings, taken after the process has settled for a few seconds. */
async function rssMb(pid: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]) / 1024);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return median(readings);
}
