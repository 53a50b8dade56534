import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("team members", () => {
  it("lists the caller's team: the admin first, then members in the order they joined", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    const res = await call(server, "GET", "/team/members", { key: member.apiKey });
    expect(res.status).toBe(200);
    expect(res.json.members).toEqual([
      {
        uid: server.team.userId,
        email: expect.stringMatching(/^admin-acme-/),
        display_name: expect.any(String),
        role: "admin",
        joined_at: expect.any(String),
      },
      {
        uid: member.userId,
        email: member.email,
        display_name: expect.any(String),
        role: "member",
        joined_at: expect.any(String),
      },
    ]);
  });

  it("never shows another team's members", async () => {
    const res = await call(server, "GET", "/team/members", { key: server.otherTeam.apiKey });
    expect(res.json.members.map((m: { uid: string }) => m.uid)).toEqual([server.otherTeam.userId]);
  });

  it("needs credentials", async () => {
    expectProblem(await call(server, "GET", "/team/members"), 401, "authentication_required");
  });
});
