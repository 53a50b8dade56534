import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMember, moveRunTo, startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

/** The public redirect helpers, as the latest SDK calls them (no credentials) and with a key. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function runIds(runId: string) {
  const run = await server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
  return { sessionId: run.sessionId, conversationId: run.conversationId };
}

describe("redirect helpers", () => {
  it("gives every run a session id, shown on the run", async () => {
    const runId = await startRun(server, { prompt: "x" });
    const { sessionId } = await runIds(runId);
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const run = await call(server, "GET", `/agent/runs/${runId}`, { key: server.team.apiKey });
    expect(run.json.session_id).toBe(sessionId);
  });

  it("leads from a live run's conversation to its session, and from its ended session to the conversation", async () => {
    const key = server.team.apiKey;
    const runId = await startRun(server, { prompt: "x" });
    const { sessionId, conversationId } = await runIds(runId);

    const live = await call(server, "GET", `/agent/conversations/${conversationId}/redirect`, { key });
    expect([live.status, live.json]).toEqual([200, { session_id: sessionId }]);
    const notYet = await call(server, "GET", `/agent/sessions/${sessionId}/redirect`, { key });
    expect(notYet.json).toEqual({});

    await moveRunTo(server.database.db, runId, "SUCCEEDED");
    const ended = await call(server, "GET", `/agent/sessions/${sessionId}/redirect`, { key });
    expect([ended.status, ended.json]).toEqual([200, { conversation_id: conversationId }]);
    const noLongerLive = await call(server, "GET", `/agent/conversations/${conversationId}/redirect`, { key });
    expect(noLongerLive.json).toEqual({});
  });

  it("answers anonymous callers, other teams, teammates of a personal run and unknown ids alike: {}", async () => {
    const runId = await startRun(server, { prompt: "x", team: false });
    await moveRunTo(server.database.db, runId, "SUCCEEDED");
    const { sessionId, conversationId } = await runIds(runId);
    const teammate = await createMember(server.database.db, server.team.teamId);
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const key of [null, server.otherTeam.apiKey, teammate.apiKey]) {
      for (const path of [
        `/agent/sessions/${sessionId}/redirect`,
        `/agent/sessions/${unknown}/redirect`,
        `/agent/sessions/not-a-uuid/redirect`,
        `/agent/conversations/${conversationId}/redirect`,
        `/agent/conversations/${unknown}/redirect`,
      ]) {
        const res = await call(server, "GET", path, { key });
        expect([res.status, res.text], `${key ? "keyed" : "anonymous"} ${path}`).toEqual([200, "{}"]);
      }
    }
    // The owner sees it.
    const own = await call(server, "GET", `/agent/sessions/${sessionId}/redirect`, { key: server.team.apiKey });
    expect(own.json).toEqual({ conversation_id: conversationId });
  });

  it("refuses a present but invalid key with 401, as every public route does", async () => {
    const res = await call(server, "GET", `/agent/sessions/00000000-0000-4000-8000-000000000000/redirect`, {
      key: "wk-not-a-real-key",
    });
    expect(res.status).toBe(401);
  });
});
