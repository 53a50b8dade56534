import { hashPassword } from "@oz/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

const PASSWORD = "correct horse battery staple";
const CSRF = { "x-oz-csrf": "1" };

let server: TestServer;
let email: string;
beforeAll(async () => {
  server = await startTestServer();
  const admin = await server.database.db.user.update({
    where: { id: server.team.userId },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
  email = admin.email;
});
afterAll(() => server.close());

/** Signs in like the dashboard does and returns the `name=value` cookie to send back. */
async function signIn(as = { email, password: PASSWORD }) {
  const res = await call(server, "POST", "/auth/login", { body: as, headers: CSRF });
  expect(res.status, res.text).toBe(200);
  return { res, cookie: res.headers.get("set-cookie")!.split(";")[0]! };
}

describe("dashboard sign-in", () => {
  it("signs the admin in with email and password: an HttpOnly, SameSite session cookie and who they are", async () => {
    const { res, cookie } = await signIn({ email: email.toUpperCase(), password: PASSWORD });
    expect(res.json).toEqual({
      user: { uid: server.team.userId, email, display_name: expect.any(String), role: "admin", instance_admin: false },
      team: { uid: server.team.teamId, name: "acme" },
      expires_at: expect.any(String),
    });
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^oz_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/(;|$)/);
    expect(setCookie).toMatch(/Max-Age=604800/); // a week by default
    expect(setCookie).not.toMatch(/Secure/i); // the test server's public URL is plain http
    const lifetime = Date.parse(res.json.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(7 * 86_400_000 - 60_000);

    const session = await call(server, "GET", "/auth/session", { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(session.json).toMatchObject({ user: { uid: server.team.userId, role: "admin" }, team: { name: "acme" } });
  });

  it("stores only a hash of the session token", async () => {
    const { cookie } = await signIn();
    const token = cookie.split("=")[1]!;
    const rows = await server.database.db.webSession.findMany({ where: { userId: server.team.userId } });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.tokenHash).not.toContain(token);
    expect(rows.some((r) => r.tokenHash.length === 64)).toBe(true);
  });

  it("lets the session cookie stand in for an API key on the whole API", async () => {
    const { cookie } = await signIn();
    const whoami = await call(server, "GET", "/whoami", { headers: { cookie } });
    expect(whoami.json).toMatchObject({ principal: `user:${server.team.userId}`, role: "admin" });
    const runs = await call(server, "GET", "/agent/runs", { headers: { cookie } });
    expect(runs.status).toBe(200);
  });

  it("answers a wrong password and an unknown email with the same 401", async () => {
    const wrongPassword = await call(server, "POST", "/auth/login", {
      body: { email, password: "not it" },
      headers: CSRF,
    });
    const unknownEmail = await call(server, "POST", "/auth/login", {
      body: { email: "nobody@example.com", password: PASSWORD },
      headers: CSRF,
    });
    const a = expectProblem(wrongPassword, 401, "authentication_required", "the email or password is incorrect");
    const b = expectProblem(unknownEmail, 401, "authentication_required");
    expect(b.detail).toBe(a.detail);
    expect(wrongPassword.json.title).toBe("Sign-in failed.");
    expect(wrongPassword.headers.get("set-cookie")).toBeNull();
  });

  it("refuses users who have no password (API-key-only accounts)", async () => {
    const member = await addTeamMember(server, server.team.teamId);
    const res = await call(server, "POST", "/auth/login", {
      body: { email: member.email, password: "" + PASSWORD },
      headers: CSRF,
    });
    expectProblem(res, 401, "authentication_required", "the email or password is incorrect");
  });

  it("signs a member in as a member of their team", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    await server.database.db.user.update({
      where: { id: member.userId },
      data: { passwordHash: await hashPassword("member password") },
    });
    const { res } = await signIn({ email: member.email, password: "member password" });
    expect(res.json.user).toMatchObject({ uid: member.userId, role: "member" });
  });

  it("names the missing field of a malformed sign-in", async () => {
    const res = await call(server, "POST", "/auth/login", { body: { email }, headers: CSRF });
    expectProblem(res, 400, "invalid_request", /password/);
  });

  it("signs out: the session is gone, the cookie is cleared and the old cookie no longer works", async () => {
    const { cookie } = await signIn();
    const out = await call(server, "POST", "/auth/logout", { headers: { cookie, ...CSRF } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^oz_session=;.*Max-Age=0/i);
    expectProblem(
      await call(server, "GET", "/auth/session", { headers: { cookie } }),
      401,
      "authentication_required",
      "your session has expired or was signed out; sign in again",
    );
  });

  it("answers /auth/session without a session with 401", async () => {
    expectProblem(await call(server, "GET", "/auth/session"), 401, "authentication_required");
  });

  it("ends sessions once they expire", async () => {
    const { cookie } = await signIn();
    await server.database.db.webSession.updateMany({
      where: { userId: server.team.userId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expectProblem(await call(server, "GET", "/whoami", { headers: { cookie } }), 401, "authentication_required");
    // An expired cookie does not stand in the way of signing in again.
    const again = await call(server, "POST", "/auth/login", {
      body: { email, password: PASSWORD },
      headers: { cookie, ...CSRF },
    });
    expect(again.status).toBe(200);
  });

  it("ends the session of a user who has left the team", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    await server.database.db.user.update({
      where: { id: member.userId },
      data: { passwordHash: await hashPassword("leaving") },
    });
    const { cookie } = await signIn({ email: member.email, password: "leaving" });
    await server.database.db.membership.delete({
      where: { teamId_userId: { teamId: server.team.teamId, userId: member.userId } },
    });
    expectProblem(await call(server, "GET", "/whoami", { headers: { cookie } }), 401, "authentication_required");
  });

  it("honours a configured session lifetime", async () => {
    const shortLived = await startTestServer({ sessionLifetimeMs: 60 * 60 * 1000 });
    try {
      const { db } = shortLived.database;
      const user = await db.user.update({
        where: { id: shortLived.team.userId },
        data: { passwordHash: await hashPassword(PASSWORD) },
      });
      const res = await call(shortLived, "POST", "/auth/login", {
        body: { email: user.email, password: PASSWORD },
        headers: CSRF,
      });
      expect(res.headers.get("set-cookie")).toMatch(/Max-Age=3600/);
    } finally {
      await shortLived.close();
    }
  });

  it("marks the cookie Secure when the server is reached over https", async () => {
    const secure = await startTestServer({ publicUrl: "https://oz.example.com" });
    try {
      const { db } = secure.database;
      const user = await db.user.update({
        where: { id: secure.team.userId },
        data: { passwordHash: await hashPassword(PASSWORD) },
      });
      const res = await call(secure, "POST", "/auth/login", {
        body: { email: user.email, password: PASSWORD },
        headers: CSRF,
      });
      expect(res.headers.get("set-cookie")).toMatch(/; Secure/i);
    } finally {
      await secure.close();
    }
  });
});

describe("cross-site request forgery", () => {
  it("refuses a cookie-authenticated change without the CSRF header, and allows it with the header", async () => {
    const { cookie } = await signIn();
    const body = { name: "Forged", docker_image: "busybox" };
    const forged = await call(server, "POST", "/agent/environments", { body, headers: { cookie } });
    expectProblem(forged, 403, "not_authorized", /x-oz-csrf/);
    expect(await server.database.db.environment.count({ where: { name: "Forged" } })).toBe(0);

    const genuine = await call(server, "POST", "/agent/environments", { body, headers: { cookie, ...CSRF } });
    expect(genuine.status, genuine.text).toBe(200);
  });

  it("refuses a sign-in without the CSRF header (so no other site can sign a visitor in)", async () => {
    const res = await call(server, "POST", "/auth/login", { body: { email, password: PASSWORD } });
    expectProblem(res, 403, "not_authorized", /x-oz-csrf/);
  });

  it("lets reads through without the header", async () => {
    const { cookie } = await signIn();
    expect((await call(server, "GET", "/agent/environments", { headers: { cookie } })).status).toBe(200);
  });

  it("leaves API-key requests alone: no CSRF header needed, and the key wins over a cookie", async () => {
    const created = await call(server, "POST", "/agent/environments", {
      key: server.team.apiKey,
      body: { name: "By key", docker_image: "busybox" },
      headers: { cookie: "oz_session=garbage" },
    });
    expect(created.status, created.text).toBe(200);
  });

  it("answers a bogus session cookie with 401 where credentials are needed, and ignores it on public pages", async () => {
    const cookie = "oz_session=not-a-real-session";
    expectProblem(await call(server, "GET", "/whoami", { headers: { cookie } }), 401, "authentication_required");
    const health = await fetch(`${server.origin}/healthz`, { headers: { cookie } });
    expect(health.status).toBe(200);
  });
});
