import { randomUUID } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  containersOf,
  createEnvironment,
  startTestPlatform,
  waitForState,
  workerProcessEnv,
} from "./support/platform.ts";
import { spawnWorkerProcess } from "./support/processes.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function platformWithWorkerProcess() {
  const platform = await startTestPlatform({}, { withoutWorker: true });
  cleanups.push(() => platform.close());
  const workerId = `draining-${randomUUID()}`;
  // A long lease: only the hand-back, not a lease expiry, can end these runs within the test's time.
  const child = spawnWorkerProcess({
    ...workerProcessEnv(platform, workerId),
    OZ_WORKER_DRAIN_SECONDS: "1",
    OZ_LEASE_SECONDS: "600",
  });
  cleanups.push(async () => child.kill("SIGKILL"));
  return { platform, child, workerId };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("a worker stopped (SIGTERM) whose drain time runs out", () => {
  it("ends a run whose agent was running ERROR, saying the worker shut down, and removes its sandbox", async () => {
    const { platform, child, workerId } = await platformWithWorkerProcess();
    const runId = await commandRun(platform, "echo working; sleep 120");
    await waitForState(platform, runId, ["INPROGRESS"], 60_000);

    const stoppedAt = Date.now();
    child.kill("SIGTERM");
    const run = await waitForState(platform, runId, ["ERROR"], 20_000);
    expect(run.status_message).toMatchObject({ error_code: "agent_process_failed" });
    expect(run.status_message?.message).toContain(`Worker ${workerId} shut down while the agent was running`);
    expect(await exited(child)).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(await containersOf(runId)).toEqual([]);
  });

  it("queues a run that was still being prepared again, and another worker takes it", async () => {
    const { platform, child } = await platformWithWorkerProcess();
    const environmentId = await createEnvironment(platform, { setup_commands: ["sleep 120"] });
    const runId = await commandRun(platform, "echo done", { environment_id: environmentId });
    await waitForState(platform, runId, ["CLAIMED"], 60_000);

    child.kill("SIGTERM");
    await exited(child);
    const requeued = await waitForState(platform, runId, ["QUEUED"], 1_000);
    expect(requeued.status_message?.message).toMatch(/shut down before the run started; it has been queued again/);
    expect(await containersOf(runId)).toEqual([]);

    // The next execution sets up quickly, so it can finish: it must not replay the first one's claim.
    const patched = await call(platform.server, "PATCH", `/agent/environments/${environmentId}`, {
      key: platform.key,
      body: { setup_commands: ["true"] },
    });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    await platform.addWorker({ workerId: `successor-${randomUUID()}` });
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
  });
});
