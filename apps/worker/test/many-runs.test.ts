import { afterAll, beforeAll, expect, it } from "vitest";
import { TERMINAL_RUN_STATES } from "@oz/contract";
import {
  call,
  commandRun,
  containersOfWorkers,
  startTestPlatform,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ concurrency: 4 });
});
afterAll(() => platform.close());

it(
  "100 runs with random cancels: every run ends in a terminal state, executed at most once, no container left",
  { timeout: 240_000 },
  async () => {
    // A seeded generator keeps a failure reproducible.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const runIds: string[] = [];
    const cancels: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      const runId = await commandRun(platform, random() < 0.3 ? "sleep 2" : "echo quick");
      runIds.push(runId);
      if (random() < 0.4) {
        const delay = Math.floor(random() * 1500);
        cancels.push(
          new Promise((r) => setTimeout(r, delay)).then(() =>
            call(platform.server, "POST", `/agent/runs/${runId}/cancel`, { key: platform.key }).then((res) => {
              // 200 (cancelled), 400 (already ended) or 409 (being prepared) are all honest answers.
              expect([200, 400, 409]).toContain(res.status);
            }),
          ),
        );
      }
    }
    await Promise.all(cancels);
    const states = new Map<string, string>();
    for (const runId of runIds)
      states.set(runId, (await waitForState(platform, runId, TERMINAL_RUN_STATES, 180_000)).state);
    expect([...states.values()].every((s) => (TERMINAL_RUN_STATES as readonly string[]).includes(s))).toBe(true);
    expect([...states.values()].filter((s) => s === "ERROR")).toEqual([]);

    const starts = await platform.server.database.db.runEvent.groupBy({
      by: ["runId"],
      where: { runId: { in: runIds }, type: "state", payload: { equals: { state: "INPROGRESS" } } },
      _count: true,
    });
    expect(starts.every((s) => s._count === 1)).toBe(true);
    expect(await containersOfWorkers([platform.worker.settings.workerId])).toEqual([]);
  },
);
