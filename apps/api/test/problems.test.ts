import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number, code: string) {
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
