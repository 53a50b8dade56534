import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("whoami", () => {
  it("names a user caller: principal string, email, team and role", async () => {
    const res = await call(server, "GET", "/whoami", { key: server.team.apiKey });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      principal: `user:${server.team.userId}`,
      uid: server.team.userId,
      type: "user",
      display_name: expect.any(String),
      email: expect.stringMatching(/^admin-acme-.*@example\.com$/),
      team: { uid: server.team.teamId, name: "acme" },
      role: "admin",
    });
  });

  it("tells a member they are a member", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    const res = await call(server, "GET", "/whoami", { key: member.apiKey });
    expect(res.json).toMatchObject({ principal: `user:${member.userId}`, email: member.email, role: "member" });
  });

  it("names a cloud agent caller as a service account of its team, without email or role", async () => {
    const agent = await call(server, "POST", "/agent/identities", {
      key: server.team.apiKey,
      body: { name: "Nightly" },
    });
    const key = await call(server, "POST", "/api-keys", {
      key: server.team.apiKey,
      body: { name: "nightly", agent_uid: agent.json.uid },
    });
    const res = await call(server, "GET", "/whoami", { key: key.json.key });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      principal: `service_account:${agent.json.uid}`,
      uid: agent.json.uid,
      type: "service_account",
      display_name: "Nightly",
      team: { uid: server.team.teamId, name: "acme" },
    });
  });

  it("refuses callers without a valid key", async () => {
    expectProblem(await call(server, "GET", "/whoami"), 401, "authentication_required");
    expectProblem(
      await call(server, "GET", "/whoami", { key: "wk-unknown-key-value" }),
      401,
      "authentication_required",
    );
  });
});
