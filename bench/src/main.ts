/**
 * `pnpm bench [name…]`: runs the speed benchmarks one after another (all, or those named) and
 * prints each one's figures, its ratio against the baseline it measured in the same process, and a verdict.
 * Everything talks to 127.0.0.1 only; each benchmark removes its databases, containers and processes.
 */
import { dropTemplateDatabase, prepareTemplateDatabase } from "@oz/testing";
import { cliStartupBench } from "./benchmarks/cli-startup.ts";
import { createBench } from "./benchmarks/create.ts";
import { dispatchBench } from "./benchmarks/dispatch.ts";
import { idleRssBench } from "./benchmarks/idle-rss.ts";
import { listBench } from "./benchmarks/list.ts";
import { liveBench } from "./benchmarks/live.ts";
import { scheduleTickBench } from "./benchmarks/schedule-tick.ts";
import { scrapeBench } from "./benchmarks/scrape.ts";
import { throughputBench } from "./benchmarks/throughput.ts";
import { toolOverheadBench } from "./benchmarks/tool-overhead.ts";
import { warmDispatchBench } from "./benchmarks/warm-dispatch.ts";
import { warmThroughputBench } from "./benchmarks/warm-throughput.ts";
import { workerMemoryBench } from "./benchmarks/worker-memory.ts";
import type { Benchmark, BenchResult } from "./support/benchmark.ts";
import { runCleanups } from "./support/cleanup.ts";
import { loadAverage } from "./support/clock.ts";

const BENCHMARKS: Benchmark[] = [
  createBench,
  listBench,
  idleRssBench,
  scrapeBench,
  dispatchBench,
  throughputBench,
  warmDispatchBench,
  warmThroughputBench,
  liveBench,
  workerMemoryBench,
  toolOverheadBench,
  cliStartupBench,
  scheduleTickBench,
];

// The local Postgres (never a testcontainer): benchmarks talk to 127.0.0.1 only.
process.env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/postgres";

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; choose from ${BENCHMARKS.map((b) => b.name).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;

class Overrun extends Error {}

const template = await prepareTemplateDatabase();
let interrupted = false;
process.once("SIGINT", () => {
  interrupted = true;
  console.error("interrupted: cleaning up");
  void runCleanups()
    .then(() => dropTemplateDatabase(template))
    .finally(() => process.exit(130));
});

const results: { bench: Benchmark; result?: BenchResult; error?: string; load: string; overran?: boolean }[] = [];
for (const bench of selected) {
  if (interrupted) break;
  const load = loadAverage();
  console.log(`\n== ${bench.name} (${bench.area}) · ${load}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Overrun(`gave up after ${bench.budgetMs / 1000} s`)), bench.budgetMs);
    });
    const result = await Promise.race([bench.run((line) => console.log(`   ${line}`)), overrun]);
    results.push({ bench, result, load });
    for (const line of result.details) console.log(`   ${line}`);
    console.log(`   → ${result.pass ? "PASS" : "MISS"}: ${result.measured} (target ${result.target})`);
  } catch (err) {
    results.push({ bench, error: (err as Error).message, load, overran: err instanceof Overrun });
    console.log(`   → ERROR: ${(err as Error).stack ?? err}`);
  } finally {
    clearTimeout(timer);
    await runCleanups();
  }
  if (results.at(-1)?.overran) break; // its work may still be running: stop here
}
await dropTemplateDatabase(template);

console.log("\n| benchmark | target | measured | verdict | load at start |");
console.log("| --- | --- | --- | --- | --- |");
for (const { bench, result, error, load } of results) {
  const verdict = error ? `error: ${error}` : result!.pass ? "pass" : "miss";
  console.log(`| ${bench.name} | ${result?.target ?? ""} | ${result?.measured ?? ""} | ${verdict} | ${load} |`);
}
process.exit(results.some((r) => r.error) ? 1 : 0);
