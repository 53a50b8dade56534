import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  containersOf,
  createEnvironment,
  getRun,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

/** An image with no files at all: Docker creates its container, but the sandbox's shell cannot start in it. */
const SHELL_LESS_IMAGE = "oz-test/no-shell:latest";

let platform: TestPlatform;
beforeAll(async () => {
  // An empty tar archive (two zero blocks and padding) imported as an image.
  execFileSync("docker", ["import", "-", SHELL_LESS_IMAGE], { input: Buffer.alloc(10_240), stdio: "pipe" });
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

const cancel = (runId: string) => call(platform.server, "POST", `/agent/runs/${runId}/cancel`, { key: platform.key });
const seconds = (runTime: string | undefined) => Number(/^PT([\d.]+)S$/.exec(runTime ?? "")?.[1] ?? NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stateEvents = async (runId: string) =>
  (await transcript(platform, runId)).filter((e) => e.type === "state").map((e) => e.payload);

describe("the run engine through a real worker", () => {
  it("requeues a run whose sandbox fails to start, and ends it resource_unavailable after the last attempt", async () => {
    const environmentId = await createEnvironment(platform, { docker_image: SHELL_LESS_IMAGE });
    const runId = await commandRun(platform, "echo never", { environment_id: environmentId });
    const run = await waitForState(platform, runId, ["ERROR", "FAILED", "SUCCEEDED"], 60_000);
    expect(run.state).toBe("ERROR");
    expect(run.status_message).toMatchObject({ error_code: "resource_unavailable", retryable: true });
    expect(run.status_message?.message).toMatch(/^Sandbox could not be started after several attempts/);
    expect(run.is_sandbox_running).toBe(false);

    const states = await stateEvents(runId);
    const retries = states.filter((s) => s.state === "QUEUED");
    expect(retries).toHaveLength(2); // three attempts: two retries, then the end
    for (const retry of retries)
      expect(retry.message).toMatch(/^Sandbox could not be started \(.*\); retrying shortly\.$/);
    expect(states.filter((s) => s.state === "PENDING")).toHaveLength(3);
    expect(states.at(-1)).toMatchObject({ state: "ERROR", error_code: "resource_unavailable" });
    const row = await platform.server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row.attempts).toBe(3);
    expect(await containersOf(runId)).toEqual([]);
  });

  it("answers a cancel of a running run at once with no sandbox and the time its sandbox ran", async () => {
    const runId = await commandRun(platform, "echo started; sleep 60");
    await waitForState(platform, runId, ["INPROGRESS"], 60_000);
    await sleep(1_500);
    expect((await cancel(runId)).status).toBe(200);
    const right = await getRun(platform, runId);
    expect(right.state).toBe("CANCELLED");
    expect(right.is_sandbox_running).toBe(false);
    expect(seconds(right.run_time)).toBeGreaterThanOrEqual(1.5);

    for (let i = 0; i < 100 && (await containersOf(runId)).length > 0; i++) await sleep(100);
    expect(await containersOf(runId)).toEqual([]);
    await sleep(500); // the worker's late writes, if any, have landed
    const later = await getRun(platform, runId);
    expect(later).toMatchObject({ state: "CANCELLED", is_sandbox_running: false, run_time: right.run_time });
  });

  it("counts a run cancelled while its sandbox is being set up from the sandbox's start", async () => {
    const environmentId = await createEnvironment(platform, { setup_commands: ["sleep 60"] });
    const runId = await commandRun(platform, "echo never", { environment_id: environmentId });
    for (let i = 0; i < 600 && !(await getRun(platform, runId)).is_sandbox_running; i++) await sleep(100);
    expect((await getRun(platform, runId)).state).toBe("CLAIMED");
    await sleep(1_000);
    expect((await cancel(runId)).status).toBe(200);
    const run = await waitForState(platform, runId, ["CANCELLED"]);
    expect(run.is_sandbox_running).toBe(false);
    expect(seconds(run.run_time)).toBeGreaterThanOrEqual(1);
  });

  it("leaves one true end state, with run_time and is_sandbox_running right, when a cancel races the end", async () => {
    // Cancels land just before, at and just after the agent's own end.
    const offsets = [700, 900, 1_000, 1_100, 1_300];
    const runIds = await Promise.all(offsets.map(() => commandRun(platform, "sleep 1")));
    await Promise.all(
      runIds.map(async (runId, i) => {
        await waitForState(platform, runId, ["INPROGRESS"], 60_000);
        await sleep(offsets[i]!);
        const res = await cancel(runId);
        expect([200, 400]).toContain(res.status); // 400: the run had already ended
      }),
    );
    for (const runId of runIds) {
      const run = await waitForState(platform, runId);
      expect(["CANCELLED", "SUCCEEDED"]).toContain(run.state);
      for (let i = 0; i < 100 && (await containersOf(runId)).length > 0; i++) await sleep(100);
      const settled = await getRun(platform, runId);
      expect(settled.state).toBe(run.state);
      expect(settled.is_sandbox_running).toBe(false);
      expect(seconds(settled.run_time)).toBeGreaterThanOrEqual(0.7);
      expect(seconds(settled.run_time)).toBeLessThan(30);
      const ends = (await stateEvents(runId)).filter((s) =>
        ["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"].includes(String(s.state)),
      );
      expect(ends.map((s) => s.state)).toEqual([run.state]);
    }
  });
});
