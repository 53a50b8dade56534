import { createRedis, runFollowupChannel, RunQueues } from "@oz/queue";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { moveRunTo, startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let server: TestServer;
let redis: Redis;
let queues: RunQueues;
beforeAll(async () => {
  server = await startTestServer();
  redis = createRedis(REDIS_URL);
  queues = new RunQueues(redis, server.queuePrefix);
});
afterAll(async () => {
  await queues.close();
  redis.disconnect();
  await server.close();
});

const followup = (runId: string, body: unknown, key: string = server.team.apiKey) =>
  call(server, "POST", `/agent/runs/${runId}/followups`, { key, body });
const getRun = async (runId: string) =>
  (await call(server, "GET", `/agent/runs/${runId}`, { key: server.team.apiKey })).json;
const eventsOf = async (runId: string) =>
  (await call(server, "GET", `/agent/runs/${runId}/events`, { key: server.team.apiKey })).json.events as {
    type: string;
    payload: Record<string, unknown>;
  }[];

describe("sending a follow-up", () => {
  it("to a queued run answers {} and gives the message to the agent with its prompt", async () => {
    const runId = await startRun(server, { prompt: "Write the report" });

    const res = await followup(runId, { message: "Also add a summary." });

    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
    expect((await getRun(runId)).state).toBe("QUEUED");
    const events = await eventsOf(runId);
    expect(events.filter((e) => e.type === "followup").map((e) => e.payload)).toEqual([
      { message: "Also add a summary.", mode: "normal", delivery: "with_prompt" },
    ]);
    const stored = await server.database.db.runFollowup.findMany({ where: { runId } });
    expect(stored).toMatchObject([{ message: "Also add a summary.", mode: "normal", deliveredAt: null }]);
  });

  it("to a running run is announced to the worker that holds it", async () => {
    const runId = await startRun(server, { prompt: "Long task" });
    await moveRunTo(server.database.db, runId, "INPROGRESS");
    const listener = createRedis(REDIS_URL);
    const announced: string[] = [];
    listener.on("message", (_channel: string, id: string) => announced.push(id));
    await listener.subscribe(runFollowupChannel(server.queuePrefix));
    try {
      const res = await followup(runId, { message: "Use tabs, not spaces.", mode: "plan" });

      expect(res.status).toBe(200);
      await expect.poll(() => announced).toContain(runId);
      expect((await getRun(runId)).state).toBe("INPROGRESS");
      const events = await eventsOf(runId);
      expect(events.at(-1)).toMatchObject({
        type: "followup",
        payload: { message: "Use tabs, not spaces.", mode: "plan", delivery: "live" },
      });
    } finally {
      listener.disconnect();
    }
  });

  it.each(["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"] as const)(
    "to a %s run queues it again for a new execution",
    async (state) => {
      const runId = await startRun(server, { prompt: "Fix the bug" });
      await moveRunTo(server.database.db, runId, state);

      const res = await followup(runId, { message: "The bug is back." });

      expect(res.status).toBe(200);
      expect(res.json).toEqual({});
      const run = await getRun(runId);
      expect(run.state).toBe("QUEUED");
      expect(run.status_message).toEqual({ message: "A follow-up was sent: the run is queued for a new execution." });
      const events = await eventsOf(runId);
      expect(events.slice(-2).map((e) => [e.type, e.payload.delivery ?? e.payload.state])).toEqual([
        ["followup", "new_execution"],
        ["state", "QUEUED"],
      ]);
      const [stored] = await server.database.db.runFollowup.findMany({ where: { runId } });
      expect(await queues.queue(null).getJob(`${runId}-followup-${stored!.id}`)).toBeTruthy();
    },
  );

  it("refuses a missing or blank message, and an unknown mode", async () => {
    const runId = await startRun(server, { prompt: "Anything" });
    for (const body of [{}, { message: "" }, { message: "  \n " }, { message: null }]) {
      expectProblem(await followup(runId, body), 400, "invalid_request", /message/);
    }
    expectProblem(await followup(runId, { message: "hi", mode: "yolo" }), 400, "invalid_request");
    expect(await server.database.db.runFollowup.count({ where: { runId } })).toBe(0);
  });

  it("answers 404 for a run the caller cannot see, and 422 for a local run", async () => {
    const theirs = await startRun(server, { prompt: "Theirs" }, server.otherTeam.apiKey);
    expectProblem(await followup(theirs, { message: "hello" }), 404, "resource_not_found");
    expectProblem(await followup("not-a-run-id", { message: "hello" }), 404, "resource_not_found");
    expectProblem(
      await followup("00000000-0000-4000-8000-000000000000", { message: "hello" }),
      404,
      "resource_not_found",
    );

    const local = await startRun(server, { prompt: "Local" });
    await server.database.db.run.update({ where: { id: local }, data: { executionLocation: "LOCAL" } });
    expectProblem(await followup(local, { message: "hello" }), 422, "operation_not_supported");
  });
});

describe("listing a run's handoff attachments", () => {
  it("is empty for a visible run, ended or not", async () => {
    const runId = await startRun(server, { prompt: "Anything" });
    const path = `/agent/runs/${runId}/handoff/attachments`;
    expect((await call(server, "GET", path, { key: server.team.apiKey })).json).toEqual({ attachments: [] });
    await moveRunTo(server.database.db, runId, "SUCCEEDED");
    const res = await call(server, "GET", path, { key: server.team.apiKey });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ attachments: [] });
  });

  it("answers 404 for a run of another team", async () => {
    const theirs = await startRun(server, { prompt: "Theirs" }, server.otherTeam.apiKey);
    const res = await call(server, "GET", `/agent/runs/${theirs}/handoff/attachments`, { key: server.team.apiKey });
    expectProblem(res, 404, "resource_not_found");
  });
});
