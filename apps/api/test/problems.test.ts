import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawHttp } from "./support/raw-http.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number, code: string, detail?: RegExp) {
  if (detail) expect(res.json.detail).toMatch(detail);
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.json.type).toBe(`http://oz.test/docs/errors/${code}`);
  expect(res.json.status).toBe(status);
  expect(res.json.error).toContain(res.json.title);
  expect(res.headers.get("x-should-retry")).toBe(String(res.json.retryable));
  expect(res.json.trace_id).toMatch(/^[0-9a-f]{32}$/);
}

describe("every failure is an RFC 7807 problem", () => {
  it("an unknown route is a 404 problem naming the path, even without credentials", async () => {
    const res = await call(server, "GET", "/nope");
    expectProblem(res, 404, "resource_not_found");
    expect(res.json.instance).toBe("/api/v1/nope");
  });

  it("a missing or wrong key is 401 authentication_required", async () => {
    expectProblem(await call(server, "GET", "/whoami"), 401, "authentication_required");
    expectProblem(await call(server, "GET", "/whoami", { key: "wk-notarealkey" }), 401, "authentication_required");
    expectProblem(await call(server, "GET", "/whoami", { key: "sk-other" }), 401, "authentication_required");
  });

  it("the error documentation page for a code exists", async () => {
    const res = await fetch(`${server.origin}/docs/errors/invalid_request`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("invalid_request");
  });
});

describe("requests Fastify or Node refuse by themselves are problems too", () => {
  const rawProblem = async (request: string, status: number) => {
    const res = await rawHttp(server.origin, request);
    expect(res.status, res.body).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["x-should-retry"]).toBe("false");
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ status, retryable: false, type: "http://oz.test/docs/errors/invalid_request" });
    return body as { detail: string };
  };

  it("a path with broken percent-encoding is a 400", async () => {
    const res = await call(server, "GET", "/agent/runs/%E0%A4%A", { key: server.team.apiKey });
    expectProblem(res, 400, "invalid_request");
    expect(res.json.detail).toContain("not a valid url");
  });

  it("a path parameter longer than any id is a 414", async () => {
    const res = await call(server, "GET", `/agent/runs/${"a".repeat(500)}`, { key: server.team.apiKey });
    expectProblem(res, 414, "invalid_request");
  });

  it("an unsupported media type is a 415, malformed JSON a 400 that says so once", async () => {
    const key = server.team.apiKey;
    const xml = await call(server, "POST", "/agent/runs", {
      key,
      rawBody: "<run/>",
      headers: { "content-type": "application/xml" },
    });
    expectProblem(xml, 415, "invalid_request");
    const bad = await call(server, "POST", "/agent/runs", {
      key,
      rawBody: "{prompt",
      headers: { "content-type": "application/json" },
    });
    expectProblem(bad, 400, "invalid_request");
    expect(bad.json.detail.match(/not valid JSON/g)).toHaveLength(1);
  });

  it("a body over the limit is a 413", async () => {
    const res = await call(server, "POST", "/agent/runs", {
      key: server.team.apiKey,
      rawBody: JSON.stringify({ prompt: "x".repeat(17 * 1024 * 1024) }),
      headers: { "content-type": "application/json" },
    });
    expectProblem(res, 413, "invalid_request");
  });

  it("oversized headers or URL are a 431, unparsable HTTP a 400, on the raw socket", async () => {
    await rawProblem(`GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`, 431);
    await rawProblem(`GET /api/v1/agent/runs/${"a".repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431);
    await rawProblem(`GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n`, 400);
    await rawProblem(`BREW /pot HTCPCP/1.0\r\n\r\n`, 400);
  });
});

describe("values Postgres cannot store are a 400 naming the field, never a retryable 500", () => {
  it("NUL in a JSON string, a JSON key or a query value", async () => {
    const key = server.team.apiKey;
    const env = await call(server, "POST", "/agent/environments", {
      key,
      body: { name: "a\u0000b", docker_image: "debian" },
    });
    expectProblem(env, 400, "invalid_request");
    expect(env.json.detail).toMatch(/^body\.name: .*NUL/);
    const nested = await call(server, "POST", "/agent/runs", {
      key,
      body: { prompt: "hi", config: { environment_variables: { "A\u0000": "1" } } },
    });
    expectProblem(nested, 400, "invalid_request", /NUL/);
    const query = await call(server, "GET", "/agent/runs?creator=a%00b", { key });
    expectProblem(query, 400, "invalid_request");
    expect(query.json.detail).toMatch(/^querystring\.creator: .*NUL/);
  });

  it("an event cursor beyond Postgres' bigint", async () => {
    const run = await call(server, "POST", "/agent/runs", { key: server.team.apiKey, body: { prompt: "hi" } });
    const res = await call(server, "GET", `/agent/runs/${run.json.run_id}/events?after=99999999999999999999999`, {
      key: server.team.apiKey,
    });
    expectProblem(res, 400, "invalid_request");
    expect(res.json.detail).toMatch(/^querystring\.after/);
  });
});

describe("whoami", () => {
  it("names the calling user, their team and role", async () => {
    const res = await call(server, "GET", "/whoami", { key: server.team.apiKey });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      principal: `user:${server.team.userId}`,
      type: "user",
      team: { uid: server.team.teamId, name: "acme" },
      role: "admin",
    });
  });
});
