import type { Db } from "@oz/db";
import type { Benchmark } from "../support/benchmark.ts";
import { createBare, stdoutOf } from "../support/bare-docker.ts";
import { SANDBOX_CLOCK_US, sandboxClockMs, wallClockMs } from "../support/clock.ts";
import {
  createCommandRun,
  runOutput,
  startApi,
  startWorker,
  TEST_IMAGE,
  waitForRunsToEnd,
} from "../support/platform.ts";
import { sandboxFloor } from "../support/sandbox-floor.ts";
import { describeLatencies, median, ratio } from "../support/stats.ts";

/** Timed samples per side, after untimed warm-up ones (also used by warm-dispatch.ts). */
export const SAMPLES = 12;
export const WARMUP = 2;
/** The first thing the process does is read the clock: "started" is when it ran, as the sandbox saw it. */
export const STAMP = `echo "started $(${SANDBOX_CLOCK_US})"`;

/**
 * From `POST /agent/runs` to the harness's process running in its sandbox, against a bare dockerode
 * create + start of a container of the same image running the same command. Both are timed to the moment
 * the process inside read the clock (it prints it; sandboxes share the host's clock), one run at a time,
 * alternating subject and baseline.
 */
export const dispatchBench: Benchmark = {
  name: "dispatch",
  area: "execution",
  budgetMs: 240_000,
  async run(log) {
    const server = await startApi();
    await startWorker(server, { concurrency: 1 });

    const floor = sandboxFloor();
    const subject: number[] = [];
    const baseline: number[] = [];
    const floors: number[] = [];
    /** When each milestone of a run was recorded, counted from the POST (ms). */
    const steps = new Map<string, number[]>();
    for (let i = -WARMUP; i < SAMPLES; i++) {
      const sent = wallClockMs();
      const runId = await createCommandRun(server, STAMP);
      const states = await waitForRunsToEnd(server.database.db, [runId], 60_000);
      if (states.get(runId) !== "SUCCEEDED") throw new Error(`run ${runId} ended ${states.get(runId)}`);
      const startedAt = sandboxClockMs(stampOf(await runOutput(server.database.db, runId)));
      const subjectMs = startedAt - sent;

      const created = wallClockMs();
      const container = await createBare(TEST_IMAGE, STAMP);
      await container.start();
      await container.wait();
      const baselineMs = sandboxClockMs(stampOf(await stdoutOf(container))) - created;
      await container.remove({ force: true });

      const creating = wallClockMs();
      const sandbox = await floor.create();
      let printed = "";
      await sandbox.exec(STAMP, { final: true, onOutput: ({ text }) => (printed += text) });
      const floorMs = sandboxClockMs(stampOf(printed)) - creating;
      await sandbox.destroy();

      if (i >= 0) {
        for (const [step, at] of await milestones(server.database.db, runId)) {
          const list = steps.get(step) ?? [];
          list.push(at - sent);
          steps.set(step, list);
        }
        steps.set("process started", [...(steps.get("process started") ?? []), subjectMs]);
        subject.push(subjectMs);
        baseline.push(baselineMs);
        floors.push(floorMs);
      }
      log(
        `${i < 0 ? "warm-up" : `sample ${i + 1}`}: POST → process ${subjectMs.toFixed(0)} ms, bare create+start → process ${baselineMs.toFixed(0)} ms, sandbox alone → process ${floorMs.toFixed(0)} ms`,
      );
    }
    const p50Ratio = median(subject) / median(baseline);
    return {
      target: "≤ 1.25× bare create+start at p50",
      measured: `${ratio(p50Ratio)}×`,
      pass: p50Ratio <= 1.25,
      details: [
        `subject  POST → harness process started: ${describeLatencies(subject)}`,
        `baseline bare create + start → process started: ${describeLatencies(baseline)}`,
        `for scale, the sandbox alone (hardened create + start + final command, no API/queue/DB): ${describeLatencies(floors)} → ${ratio(median(floors) / median(baseline))}× the baseline`,
        `subject timeline (p50 after the POST): ${[...steps].map(([step, at]) => `${step} ${median(at).toFixed(0)} ms`).join(" → ")}`,
      ],
    };
  },
};

/** The run's state events and the harness's "running" event, by the time Postgres stored them (ms precision). */
export async function milestones(db: Db, runId: string): Promise<[string, number][]> {
  const events = await db.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } });
  const named = events.flatMap((event): [string, number][] => {
    const payload = event.payload as { state?: string; message?: string };
    if (event.type === "state" && payload.state) return [[payload.state, event.createdAt.getTime()]];
    if (event.type === "harness" && payload.message?.startsWith("running:"))
      return [["harness running", event.createdAt.getTime()]];
    return [];
  });
  return named.filter(([step]) => step !== "SUCCEEDED");
}

export function stampOf(output: string): string {
  const stamp = /started (\d+)/.exec(output)?.[1];
  if (!stamp) throw new Error(`no start stamp in the output: ${JSON.stringify(output)}`);
  return stamp;
}
