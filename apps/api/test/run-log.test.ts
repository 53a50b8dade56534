import { appendRunEvents } from "@oz/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const log = (runId: string, key: string | null = server.team.apiKey) =>
  call(server, "GET", `/agent/runs/${runId}/log`, { key });

describe("GET /agent/runs/{id}/log", () => {
  it("serves every line the run printed, in order, as text/plain, as it was printed", async () => {
    const runId = await startRun(server, { prompt: "print things" });
    await appendRunEvents(server.database.db, runId, [
      { type: "setup_step", payload: { step: 1, name: "echo setup", status: "started" } },
      { type: "output", payload: { stream: "stdout", text: "setting up\n", step: 1 } },
      { type: "agent_message", payload: { text: "not process output", turn: 1 } },
      { type: "output", payload: { stream: "stdout", text: "\u001b[32mgreen\u001b[0m\n" } },
      { type: "output", payload: { stream: "stderr", text: "10%\r50%\r100%\n" } },
    ]);
    const res = await log(runId);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.text).toBe("setting up\n\u001b[32mgreen\u001b[0m\n10%\r50%\r100%\n");
  });

  it("streams a log longer than one page of events whole", async () => {
    const runId = await startRun(server, { prompt: "print a lot" });
    const lines = Array.from({ length: 2500 }, (_, i) => ({
      type: "output" as const,
      payload: { stream: "stdout" as const, text: `line ${i + 1}\n` },
    }));
    await appendRunEvents(server.database.db, runId, lines);
    const res = await log(runId);
    expect(res.text.split("\n").slice(0, -1)).toEqual(lines.map((l) => l.payload.text.trimEnd()));
  });

  it("is empty for a run that printed nothing yet", async () => {
    const runId = await startRun(server, { prompt: "quiet" });
    expect((await log(runId)).text).toBe("");
  });

  it("needs a key, and keeps other teams' runs out of sight (404)", async () => {
    const runId = await startRun(server, { prompt: "secret team business" });
    expectProblem(await log(runId, null), 401, "authentication_required");
    expectProblem(await log(runId, server.otherTeam.apiKey), 404, "resource_not_found");
    expectProblem(await log("not-a-run"), 404, "resource_not_found");
  });
});
