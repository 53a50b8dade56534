import { hashPassword } from "@oz/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

const CSRF = { "x-oz-csrf": "1" };
const ADMIN_PASSWORD = "the admin's password";

let server: TestServer;
let adminCookie: string;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.database.db.user.update({
    where: { id: server.team.userId },
    data: { passwordHash: await hashPassword(ADMIN_PASSWORD), instanceAdmin: true },
  });
  adminCookie = await signIn(admin.email, ADMIN_PASSWORD);
});
afterAll(() => server.close());

async function signIn(email: string, password: string) {
  const res = await call(server, "POST", "/auth/login", { body: { email, password }, headers: CSRF });
  expect(res.status, res.text).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

const as = (cookie: string) => ({ headers: { cookie, ...CSRF } });
const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;

/** Invites `email` into the admin's team and accepts as a new account; returns the member's cookie and uid. */
async function newMember(email: string, password = "member password 1") {
  const invite = await call(server, "POST", "/team/invites", { ...as(adminCookie), body: { email } });
  expect(invite.status, invite.text).toBe(200);
  const accepted = await call(server, "POST", "/invites/accept", {
    headers: CSRF,
    body: { token: tokenOf(invite.json.invite_url), display_name: email.split("@")[0], password },
  });
  expect(accepted.status, accepted.text).toBe(200);
  return { cookie: accepted.headers.get("set-cookie")!.split(";")[0]!, uid: accepted.json.user.uid as string };
}

describe("inviting a member", () => {
  it("gives the admin a single-use link that makes an account, signs it in as a member, and works once", async () => {
    const invite = await call(server, "POST", "/team/invites", {
      ...as(adminCookie),
      body: { email: "Bob@Example.com" },
    });
    expect(invite.json).toMatchObject({ email: "bob@example.com", role: "member" });
    expect(invite.json.invite_url).toMatch(/^http:\/\/oz\.test\/invite\?token=[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(invite.json.expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const listed = await call(server, "GET", "/team/invites", as(adminCookie));
    expect(listed.json.invites.map((i: { email: string }) => i.email)).toContain("bob@example.com");
    expect(listed.text).not.toContain(tokenOf(invite.json.invite_url));

    const token = tokenOf(invite.json.invite_url);
    const details = await call(server, "POST", "/invites/lookup", { headers: CSRF, body: { token } });
    expect(details.json).toMatchObject({ team: { name: "acme" }, email: "bob@example.com", existing_user: false });

    expectProblem(
      await call(server, "POST", "/invites/accept", { headers: CSRF, body: { token, password: "long enough" } }),
      400,
      "invalid_request",
      /^display_name: /,
    );
    const accepted = await call(server, "POST", "/invites/accept", {
      headers: CSRF,
      body: { token, display_name: "Bob", password: "bob's password" },
    });
    expect(accepted.json).toMatchObject({ user: { email: "bob@example.com", role: "member" }, team: { name: "acme" } });
    expect(await signIn("bob@example.com", "bob's password")).toMatch(/^oz_session=/);

    expectProblem(
      await call(server, "POST", "/invites/accept", {
        headers: CSRF,
        body: { token, display_name: "Mallory", password: "another password" },
      }),
      404,
      "resource_not_found",
      /already used, withdrawn, or has expired/,
    );
    expectProblem(
      await call(server, "POST", "/team/invites", { ...as(adminCookie), body: { email: "bob@example.com" } }),
      409,
      "conflict",
      /already a member/,
    );
  });

  it("refuses an expired or withdrawn link", async () => {
    const expired = await call(server, "POST", "/team/invites", { ...as(adminCookie), body: { email: "e@x.test" } });
    await server.database.db.invite.update({ where: { id: expired.json.uid }, data: { expiresAt: new Date() } });
    const withdrawn = await call(server, "POST", "/team/invites", { ...as(adminCookie), body: { email: "w@x.test" } });
    const del = await call(server, "DELETE", `/team/invites/${withdrawn.json.uid}`, as(adminCookie));
    expect(del.status).toBe(204);
    for (const url of [expired.json.invite_url, withdrawn.json.invite_url]) {
      const res = await call(server, "POST", "/invites/lookup", { headers: CSRF, body: { token: tokenOf(url) } });
      expectProblem(res, 404, "resource_not_found");
    }
  });

  it("denies members the admin's routes with a 403 problem", async () => {
    const member = await newMember("carol@example.com");
    const key = await call(server, "POST", "/api-keys", { ...as(member.cookie), body: { name: "carol" } });
    for (const [method, path, body] of [
      ["POST", "/team/invites", { email: "x@example.com" }],
      ["GET", "/team/invites", undefined],
      ["PATCH", `/team/members/${server.team.userId}`, { role: "member" }],
      ["DELETE", `/team/members/${server.team.userId}`, undefined],
      ["GET", "/teams", undefined],
      ["POST", "/teams", { name: "mine", admin_email: "carol@example.com" }],
    ] as const) {
      for (const auth of [as(member.cookie), { key: key.json.key }]) {
        expectProblem(await call(server, method, path, { ...auth, body }), 403, "not_authorized");
      }
    }
  });
});

describe("roles and removal", () => {
  it("lets the admin make a member an admin and back; the team's last admin cannot be demoted or removed", async () => {
    const dave = await newMember("dave@example.com");
    const promoted = await call(server, "PATCH", `/team/members/${dave.uid}`, {
      ...as(adminCookie),
      body: { role: "admin" },
    });
    expect(promoted.json).toMatchObject({ uid: dave.uid, role: "admin" });
    // Dave's own session sees the new role on its next request.
    expect((await call(server, "GET", "/auth/session", as(dave.cookie))).json.user.role).toBe("admin");
    const demoted = await call(server, "PATCH", `/team/members/${dave.uid}`, {
      ...as(dave.cookie),
      body: { role: "member" },
    });
    expect(demoted.json.role).toBe("member");

    const self = server.team.userId;
    const last = { ...as(adminCookie) };
    expectProblem(
      await call(server, "PATCH", `/team/members/${self}`, { ...last, body: { role: "member" } }),
      409,
      "conflict",
      /last admin cannot be made a member/,
    );
    expectProblem(await call(server, "DELETE", `/team/members/${self}`, last), 409, "conflict", /last admin/);
  });

  it("ends the removed member's sessions and personal keys at once", async () => {
    const erin = await newMember("erin@example.com");
    const key = (await call(server, "POST", "/api-keys", { ...as(erin.cookie), body: { name: "erin" } })).json.key;
    expect((await call(server, "GET", "/whoami", { key })).status).toBe(200); // cached from now on
    expect((await call(server, "GET", "/agent/runs", as(erin.cookie))).status).toBe(200);

    const removed = await call(server, "DELETE", `/team/members/${erin.uid}`, as(adminCookie));
    expect(removed.status).toBe(204);
    expectProblem(await call(server, "GET", "/whoami", { key }), 401, "authentication_required");
    expectProblem(await call(server, "GET", "/agent/runs", as(erin.cookie)), 401, "authentication_required");
    const members = await call(server, "GET", "/team/members", as(adminCookie));
    expect(members.json.members.map((m: { uid: string }) => m.uid)).not.toContain(erin.uid);
  });
});

describe("changing one's password", () => {
  it("needs the current password, ends the user's other sessions and keeps this one", async () => {
    const frank = await newMember("frank@example.com", "frank's first password");
    const other = await signIn("frank@example.com", "frank's first password");
    expectProblem(
      await call(server, "POST", "/auth/password", {
        ...as(frank.cookie),
        body: { current_password: "wrong", new_password: "frank's new password" },
      }),
      400,
      "invalid_request",
      /^current_password: /,
    );
    const changed = await call(server, "POST", "/auth/password", {
      ...as(frank.cookie),
      body: { current_password: "frank's first password", new_password: "frank's new password" },
    });
    expect(changed.status, changed.text).toBe(204);
    expectProblem(await call(server, "GET", "/auth/session", as(other)), 401, "authentication_required");
    expect((await call(server, "GET", "/auth/session", as(frank.cookie))).status).toBe(200);
    expect(await signIn("frank@example.com", "frank's new password")).toMatch(/^oz_session=/);
    const old = await call(server, "POST", "/auth/login", {
      headers: CSRF,
      body: { email: "frank@example.com", password: "frank's first password" },
    });
    expect(old.status).toBe(401);
  });
});

describe("teams", () => {
  it("lets the instance admin create a team and invite its first admin, who may already have an account", async () => {
    const created = await call(server, "POST", "/teams", {
      ...as(adminCookie),
      body: { name: "Second team", admin_email: "gina@example.com" },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({
      team: { name: "Second team", member_count: 0 },
      invite: { email: "gina@example.com", role: "admin" },
    });
    const gina = await call(server, "POST", "/invites/accept", {
      headers: CSRF,
      body: { token: tokenOf(created.json.invite.invite_url), display_name: "Gina", password: "gina's password" },
    });
    expect(gina.json).toMatchObject({ user: { role: "admin" }, team: { name: "Second team" } });
    const teams = await call(server, "GET", "/teams", as(adminCookie));
    expect(teams.json.teams).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "Second team", member_count: 1 })]),
    );
  });

  it("shows a user in two teams only the current team's runs, and switching changes that", async () => {
    const second = await call(server, "POST", "/teams", {
      ...as(adminCookie),
      body: { name: "Third team", admin_email: "hank@example.com" },
    });
    const hank = await call(server, "POST", "/invites/accept", {
      headers: CSRF,
      body: { token: tokenOf(second.json.invite.invite_url), display_name: "Hank", password: "hank's password" },
    });
    const hankCookie = hank.headers.get("set-cookie")!.split(";")[0]!;
    const thirdTeam = hank.json.team.uid as string;
    // Hank is invited into acme as well, with his existing account (his password, not a new one).
    const invite = await call(server, "POST", "/team/invites", {
      ...as(adminCookie),
      body: { email: "hank@example.com" },
    });
    const lookup = await call(server, "POST", "/invites/lookup", {
      headers: CSRF,
      body: { token: tokenOf(invite.json.invite_url) },
    });
    expect(lookup.json.existing_user).toBe(true);
    expectProblem(
      await call(server, "POST", "/invites/accept", {
        headers: CSRF,
        body: { token: tokenOf(invite.json.invite_url), password: "guess" },
      }),
      400,
      "invalid_request",
      /^password: /,
    );
    const joined = await call(server, "POST", "/invites/accept", {
      headers: CSRF,
      body: { token: tokenOf(invite.json.invite_url), password: "hank's password" },
    });
    expect(joined.json.team).toMatchObject({ uid: server.team.teamId });

    const run = (cookie: string, title: string) =>
      call(server, "POST", "/agent/runs", { ...as(cookie), body: { prompt: title, title } });
    expect((await run(hankCookie, "in third team")).status).toBe(200);
    const titles = async (cookie: string) =>
      (await call(server, "GET", "/agent/runs", as(cookie))).json.runs.map((r: { title: string }) => r.title);
    expect(await titles(hankCookie)).toEqual(["in third team"]);

    const mine = await call(server, "GET", "/auth/teams", as(hankCookie));
    expect(mine.json.teams).toHaveLength(2);
    expect(mine.json.teams).toEqual(
      expect.arrayContaining([
        { uid: server.team.teamId, name: "acme", role: "member", current: false },
        { uid: thirdTeam, name: "Third team", role: "admin", current: true },
      ]),
    );
    const switched = await call(server, "POST", "/auth/team", {
      ...as(hankCookie),
      body: { team_uid: server.team.teamId },
    });
    expect(switched.json).toMatchObject({ team: { name: "acme" }, user: { role: "member" } });
    expect(await titles(hankCookie)).not.toContain("in third team");
    expect((await run(hankCookie, "in acme")).status).toBe(200);
    expect(await titles(hankCookie)).toContain("in acme");

    expectProblem(
      await call(server, "POST", "/auth/team", { ...as(hankCookie), body: { team_uid: server.otherTeam.teamId } }),
      404,
      "resource_not_found",
    );
    expectProblem(
      await call(server, "POST", "/auth/team", { key: server.team.apiKey, headers: CSRF, body: { team_uid: "x" } }),
      403,
      "not_authorized",
      /API keys stay bound to their team/,
    );
  });
});
