import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  containersOf,
  registerWorkerHost,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

const cancel = (runId: string) => call(platform.server, "POST", `/agent/runs/${runId}/cancel`, { key: platform.key });

describe("cancelling", () => {
  it("an in-progress run kills its container within two seconds and ends CANCELLED", async () => {
    const runId = await commandRun(platform, "echo started; sleep 60");
    await waitForState(platform, runId, ["INPROGRESS"]);
    const started = Date.now();
    const res = await cancel(runId);
    expect(res.status).toBe(200);
    expect(res.text).toBe(runId);
    for (;;) {
      if ((await containersOf(runId)).length === 0) break;
      expect(Date.now() - started).toBeLessThan(2_000);
      await new Promise((r) => setTimeout(r, 50));
    }
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("CANCELLED");
    expect(run.status_message?.message).toMatch(/^Cancelled by/);
    const states = (await transcript(platform, runId)).filter((e) => e.type === "state").map((e) => e.payload.state);
    expect(states.at(-1)).toBe("CANCELLED");
    expect(states.filter((s) => s === "SUCCEEDED" || s === "FAILED" || s === "ERROR")).toEqual([]);
  });

  it("a queued run is taken off the queue and never starts", async () => {
    // No worker serves host "nowhere", so the run waits in the queue.
    await registerWorkerHost(platform, "nowhere");
    const runId = await commandRun(platform, "echo should-not-run", { worker_host: "nowhere" });
    await new Promise((r) => setTimeout(r, 300));
    expect((await cancel(runId)).status).toBe(200);
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("CANCELLED");
    await platform.worker.worker.sweepNow();
    const events = await transcript(platform, runId);
    expect(events.map((e) => e.payload.state)).toEqual(["CANCELLED"]);
  });
});

describe("self-hosted worker hosts", () => {
  it("a run for a host no worker serves waits QUEUED and says so; a worker for that host then runs it", async () => {
    await registerWorkerHost(platform, "edge-1");
    const runId = await commandRun(platform, "echo on-edge", { worker_host: "edge-1" });
    await new Promise((r) => setTimeout(r, 2_100)); // past the outbox grace period
    await platform.worker.worker.sweepNow();
    const waiting = await waitForState(platform, runId, ["QUEUED"]);
    expect(waiting.status_message?.message).toBe("Waiting for a worker on host 'edge-1': none is connected.");

    const edge = await platform.addWorker({ workerHost: "edge-1" });
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("SUCCEEDED");
    const held = await platform.server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(held.workerId).toBe(edge.settings.workerId);
  });
});
