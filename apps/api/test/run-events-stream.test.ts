import { Writable } from "node:stream";
import { hashPassword } from "@oz/auth";
import { recordFileArtifact } from "@oz/artifacts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// The live transcript stream of a run that stays QUEUED (no worker here): it stays open until something
// closes it, which is exactly what these tests need.

let server: TestServer;
let logText = "";
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logText += chunk.toString();
      done();
    },
  });
  server = await startTestServer({ logger: { level: "info", stream: logStream } });
});
afterAll(() => server.close());

/** Opens a stream and reports when (and with which last SSE event) the server ends it. */
async function openStream(path: string, headers: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { accept: "text/event-stream", ...headers } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { at: Date.now(), text };
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { ended, cancel: () => reader.cancel().catch(() => {}) };
}

async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe("a live stream ends when its viewer loses access", () => {
  it("revoking the API key closes the stream within 5 seconds", async () => {
    const created = await call(server, "POST", "/api-keys", { key: server.team.apiKey, body: { name: "viewer" } });
    const runId = await startRun(server, { prompt: "wait" });
    const stream = await openStream(`/agent/runs/${runId}/events/stream`, {
      authorization: `Bearer ${created.json.key}`,
    });
    await new Promise((r) => setTimeout(r, 300)); // the stream is live and idle
    const revoked = await call(server, "DELETE", `/api-keys/${created.json.uid}`, { key: server.team.apiKey });
    expect(revoked.status).toBe(204);
    const revokedAt = Date.now();
    const { at, text } = await withinMs(stream.ended, 5_000);
    expect(at - revokedAt).toBeLessThan(5_000);
    expect(text).toContain("event: error");
    expect(text).toContain("authentication_required");
  });

  it("signing out of the dashboard closes the stream within 5 seconds", async () => {
    const password = "correct horse battery staple";
    const admin = await server.database.db.user.update({
      where: { id: server.team.userId },
      data: { passwordHash: await hashPassword(password) },
    });
    const login = await call(server, "POST", "/auth/login", {
      body: { email: admin.email, password },
      headers: { "x-oz-csrf": "1" },
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const runId = await startRun(server, { prompt: "wait" });
    const stream = await openStream(`/agent/runs/${runId}/events/stream`, { cookie });
    await new Promise((r) => setTimeout(r, 300));
    const out = await call(server, "POST", "/auth/logout", { headers: { cookie, "x-oz-csrf": "1" } });
    expect(out.status).toBeLessThan(300);
    const { text } = await withinMs(stream.ended, 5_000);
    expect(text).toContain("authentication_required");
  });

  it("a stream whose key stays valid stays open", async () => {
    const runId = await startRun(server, { prompt: "wait" });
    const stream = await openStream(`/agent/runs/${runId}/events/stream`, {
      authorization: `Bearer ${server.team.apiKey}`,
    });
    await expect(withinMs(stream.ended, 3_000)).rejects.toThrow(/still open/);
    await stream.cancel();
  });
});

describe("a bad resume cursor is a 400 problem before the stream opens", () => {
  const key = () => server.team.apiKey;
  const get = (path: string, headers: Record<string, string>) =>
    call(server, "GET", path, { key: key(), headers: { accept: "text/event-stream", ...headers } });

  it("for a Last-Event-ID that is not an id, or beyond Postgres' bigint", async () => {
    const runId = await startRun(server, { prompt: "wait" });
    for (const bad of ["abc", "-1", "1e3", "99999999999999999999", "9223372036854775808"]) {
      const res = await get(`/agent/runs/${runId}/events/stream`, { "last-event-id": bad });
      expectProblem(res, 400, "invalid_request", /Last-Event-ID/);
    }
    expectProblem(
      await get(`/agent/runs/${runId}/events/stream?after=99999999999999999999`, {}),
      400,
      "invalid_request",
      /after/,
    );
  });

  it("for a cursor past the run's newest event (it would never see the run end)", async () => {
    const runId = await startRun(server, { prompt: "wait" });
    const events = await call(server, "GET", `/agent/runs/${runId}/events`, { key: key() });
    const newest = BigInt(events.json.events.at(-1)?.id ?? "0");
    for (const path of [`/agent/runs/${runId}/events/stream`, `/agent/runs/${runId}/events`]) {
      const res = await get(path, { "last-event-id": String(newest + 1000n) });
      expectProblem(res, 400, "invalid_request", /not an event of run/);
    }
  });
});

describe("logs", () => {
  it("never contain a signed download link's signature", async () => {
    const runId = await startRun(server, { prompt: "report" });
    const { uid } = await recordFileArtifact(server.database.db, server.blobs, {
      runId,
      teamId: server.team.teamId,
      filepath: "report.txt",
      content: Buffer.from("done"),
      isPublic: false,
    });
    const meta = await call(server, "GET", `/agent/artifacts/${uid}`, { key: server.team.apiKey });
    const link = new URL(meta.json.data.download_url);
    const signature = link.searchParams.get("signature")!;
    const res = await fetch(`${server.origin}${link.pathname}${link.search}`);
    expect(res.status).toBe(200);
    await res.text();
    await new Promise((r) => setTimeout(r, 100)); // the response log line is written after the body
    expect(logText).toContain(`/agent/artifacts/${uid}/download`);
    expect(logText).not.toContain(signature);
    expect(logText).not.toContain(server.team.apiKey);
  });
});
