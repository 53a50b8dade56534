import type { RunState } from "@oz/contract";
import { newUuid } from "@oz/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { createAgent, createMember, moveRunTo, startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const get = (runId: string, key = server.team.apiKey) => call(server, "GET", `/agent/runs/${runId}`, { key });
const cancel = (runId: string, options: { key?: string; headers?: Record<string, string>; rawBody?: string } = {}) =>
  call(server, "POST", `/agent/runs/${runId}/cancel`, { key: server.team.apiKey, ...options });

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("retrieving a run", () => {
  it("shows a new run with only the members that are set", async () => {
    const runId = await startRun(server, { prompt: "Add input validation" });
    const res = await get(runId);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const run = res.json;
    expect(run.created_at).toMatch(RFC3339_UTC);
    expect(run.updated_at).toMatch(RFC3339_UTC);
    expect(run).toMatchObject({
      run_id: runId,
      task_id: runId,
      state: "QUEUED",
      execution_location: "REMOTE",
      is_sandbox_running: false,
      is_run_type_cancellable: true,
      session_link: `http://oz.test/runs/${runId}`,
      creator: { type: "user", uid: server.team.userId, display_name: expect.any(String), email: expect.any(String) },
      // The run's shared session (its live view at session_link) exists from the start; the redirect helpers use it.
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    for (const unset of [
      "started_at",
      "run_time",
      "parent_run_id",
      "artifacts",
      "metadata",
      "status_message",
      "request_usage",
      "schedule",
    ]) {
      expect(run, unset).not.toHaveProperty(unset);
    }
  });

  it("shows what the worker recorded: start, run time, usage, status, session and schedule", async () => {
    const runId = await startRun(server, { prompt: "work" });
    const { db } = server.database;
    await moveRunTo(db, runId, "FAILED");
    const sessionId = newUuid();
    await db.run.update({
      where: { id: runId },
      data: {
        startedAt: new Date("2026-08-20T10:00:41.000Z"),
        runTimeMs: 150_000,
        requestUsage: { inference_cost: 12.5, total_tokens: 184230 },
        statusMessage: {
          message: "Environment setup failed",
          error_code: "environment_setup_failed",
          retryable: false,
        },
        sessionId,
        isSandboxRunning: true,
        schedule: { schedule_id: "s1", schedule_name: "nightly", cron_schedule: "0 9 * * *" },
      },
    });
    const run = (await get(runId)).json;
    expect(run).toMatchObject({
      state: "FAILED",
      started_at: "2026-08-20T10:00:41.000Z",
      run_time: "PT2M30S",
      request_usage: { inference_cost: 12.5, total_tokens: 184230 },
      status_message: { message: "Environment setup failed", error_code: "environment_setup_failed", retryable: false },
      session_id: sessionId,
      is_sandbox_running: true,
      schedule: { schedule_id: "s1", schedule_name: "nightly", cron_schedule: "0 9 * * *" },
    });
  });

  it("writes run time as an ISO 8601 duration", async () => {
    const runId = await startRun(server, { prompt: "timing" });
    const cases: [number, string][] = [
      [0, "PT0S"],
      [5_500, "PT5.5S"],
      [3_600_000, "PT1H"],
      [3_725_000, "PT1H2M5S"],
    ];
    for (const [ms, duration] of cases) {
      await server.database.db.run.update({
        where: { id: runId },
        data: { runTimeMs: ms, startedAt: new Date() },
      });
      expect((await get(runId)).json.run_time).toBe(duration);
    }
  });

  it("lists the run's artifacts in the contract's shapes", async () => {
    const runId = await startRun(server, { prompt: "artifacts" });
    const { db } = server.database;
    const planId = newUuid();
    const fileId = newUuid();
    const base = { runId, teamId: server.team.teamId };
    await db.artifact.create({
      data: {
        ...base,
        id: planId,
        type: "PLAN",
        data: { document_uid: "doc-1", title: "Plan" },
        createdAt: new Date(1000),
      },
    });
    await db.artifact.create({
      data: {
        ...base,
        id: newUuid(),
        type: "PULL_REQUEST",
        data: { url: "https://github.com/acme/web/pull/42", branch: "oz/fix" },
        createdAt: new Date(2000),
      },
    });
    await db.artifact.create({
      data: {
        ...base,
        id: fileId,
        type: "FILE",
        data: { filename: "report.md", filepath: "out/report.md", mime_type: "text/markdown" },
        createdAt: new Date(3000),
      },
    });
    expect((await get(runId)).json.artifacts).toEqual([
      {
        artifact_type: "PLAN",
        created_at: "1970-01-01T00:00:01.000Z",
        data: { document_uid: "doc-1", title: "Plan", artifact_uid: planId },
      },
      {
        artifact_type: "PULL_REQUEST",
        created_at: "1970-01-01T00:00:02.000Z",
        data: { url: "https://github.com/acme/web/pull/42", branch: "oz/fix" },
      },
      {
        artifact_type: "FILE",
        created_at: "1970-01-01T00:00:03.000Z",
        data: { filename: "report.md", filepath: "out/report.md", mime_type: "text/markdown", artifact_uid: fileId },
      },
    ]);
  });

  it("names a cloud agent executor as a service account", async () => {
    const agent = await createAgent(server.database.db, server.team.teamId, { name: "reviewer" });
    const runId = await startRun(server, { prompt: "review", agent_identity_uid: agent.id });
    expect((await get(runId)).json.executor).toEqual({
      type: "service_account",
      uid: agent.id,
      display_name: "reviewer",
    });
  });

  it("marks local and GitHub Action runs as not cancellable", async () => {
    const local = await startRun(server, { prompt: "local" });
    const action = await startRun(server, { prompt: "action" });
    const { db } = server.database;
    await db.run.update({ where: { id: local }, data: { executionLocation: "LOCAL", source: "LOCAL" } });
    await db.run.update({ where: { id: action }, data: { source: "GITHUB_ACTION" } });
    expect((await get(local)).json.is_run_type_cancellable).toBe(false);
    expect((await get(action)).json.is_run_type_cancellable).toBe(false);
  });

  it("answers 404 for malformed, unknown, another team's and another member's personal runs", async () => {
    expectProblem(await get("not-a-run-id"), 404, "resource_not_found");
    expectProblem(await get(newUuid()), 404, "resource_not_found");
    const theirs = await startRun(server, { prompt: "theirs" }, server.otherTeam.apiKey);
    expectProblem(await get(theirs), 404, "resource_not_found");
    const member = await createMember(server.database.db, server.team.teamId);
    const private_ = await startRun(server, { prompt: "private", team: false }, member.apiKey);
    expectProblem(await get(private_), 404, "resource_not_found");
    expect((await get(private_, member.apiKey)).status).toBe(200);
  });
});

describe("cancelling a run", () => {
  it("cancels a queued run at once and answers the bare run ID as text", async () => {
    const runId = await startRun(server, { prompt: "stop me" });
    const res = await cancel(runId);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.text).toBe(runId);
    const run = (await get(runId)).json;
    expect(run.state).toBe("CANCELLED");
    expect(run.status_message.message).toMatch(/^Cancelled by /);
  });

  it("accepts an empty body with a JSON content type (as the Python SDK sends it)", async () => {
    const runId = await startRun(server, { prompt: "python" });
    const res = await cancel(runId, { rawBody: "", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(200);
    expect(res.text).toBe(runId);
  });

  it("answers 409 conflict, retryable after 2 seconds, for a run being prepared", async () => {
    const runId = await startRun(server, { prompt: "pending" });
    await moveRunTo(server.database.db, runId, "PENDING");
    const res = await cancel(runId);
    const problem = expectProblem(res, 409, "conflict");
    expect(problem.retryable).toBe(true);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("x-should-retry")).toBe("true");
    expect((await get(runId)).json.state).toBe("PENDING");
  });

  for (const state of ["CLAIMED", "INPROGRESS"] as const) {
    it(`cancels a ${state} run`, async () => {
      const runId = await startRun(server, { prompt: state });
      await moveRunTo(server.database.db, runId, state);
      expect((await cancel(runId)).text).toBe(runId);
      expect((await get(runId)).json.state).toBe("CANCELLED");
    });
  }

  // run_time counts from the execution's sandbox start, so a run cancelled while still being prepared has one too.
  for (const [state, ranSeconds] of [
    ["INPROGRESS", 6],
    ["CLAIMED", 4],
  ] as const) {
    it(`records, as it ends a ${state} run, how long its sandbox ran and that no sandbox is left running`, async () => {
      const runId = await startRun(server, { prompt: `running for ${ranSeconds} seconds` });
      await moveRunTo(server.database.db, runId, state);
      await server.database.db.run.update({
        where: { id: runId },
        data: { sandboxStartedAt: new Date(Date.now() - ranSeconds * 1000), isSandboxRunning: true },
      });
      expect((await cancel(runId)).status).toBe(200);
      const run = (await get(runId)).json;
      expect(run.state).toBe("CANCELLED");
      expect(run.is_sandbox_running).toBe(false);
      const seconds = Number(/^PT([\d.]+)S$/.exec(run.run_time)?.[1]);
      expect(seconds).toBeGreaterThanOrEqual(ranSeconds);
      expect(seconds).toBeLessThan(30);
    });
  }

  for (const state of ["SUCCEEDED", "FAILED", "ERROR", "CANCELLED", "BLOCKED"] as const satisfies RunState[]) {
    it(`refuses (400) to cancel a ${state} run`, async () => {
      const runId = await startRun(server, { prompt: state });
      await moveRunTo(server.database.db, runId, state);
      const problem = expectProblem(await cancel(runId), 400, "invalid_request");
      expect(problem.detail).toContain(state);
      expect((await get(runId)).json.state).toBe(state);
    });
  }

  it("answers 422 for local and GitHub Action runs, whatever their state", async () => {
    const { db } = server.database;
    const local = await startRun(server, { prompt: "local" });
    await db.run.update({ where: { id: local }, data: { executionLocation: "LOCAL" } });
    expectProblem(await cancel(local), 422, "operation_not_supported");
    const action = await startRun(server, { prompt: "action" });
    await moveRunTo(db, action, "SUCCEEDED");
    await db.run.update({ where: { id: action }, data: { source: "GITHUB_ACTION" } });
    expectProblem(await cancel(action), 422, "operation_not_supported");
  });

  it("answers 404 before anything else for runs the caller cannot see", async () => {
    expectProblem(await cancel("nope"), 404, "resource_not_found");
    expectProblem(await cancel(newUuid()), 404, "resource_not_found");
    const theirs = await startRun(server, { prompt: "theirs" }, server.otherTeam.apiKey);
    await server.database.db.run.update({ where: { id: theirs }, data: { executionLocation: "LOCAL" } });
    expectProblem(await cancel(theirs), 404, "resource_not_found");
    expect((await get(theirs, server.otherTeam.apiKey)).json.state).toBe("QUEUED");
  });

  it("lets exactly one of two simultaneous cancels win; the other learns the run is already cancelled", async () => {
    const runId = await startRun(server, { prompt: "race" });
    const answers = await Promise.all([cancel(runId), cancel(runId)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect(answers.find((a) => a.status === 400)?.json.detail).toContain("CANCELLED");
  });
});
