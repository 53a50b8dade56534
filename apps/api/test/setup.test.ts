import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceFirstAdminSetup } from "../src/setup/announce-setup.ts";
import { expectProblem } from "./support/expect-problem.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

const CSRF = { "x-oz-csrf": "1" };

let server: TestServer;
let dir: string;
beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer(), mkdtemp(join(tmpdir(), "oz-setup-"))]);
  // A fresh instance: no user at all (the test server seeds two teams).
  await server.database.db.user.deleteMany();
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

type LogLine = { obj: Record<string, unknown>; msg: string };
const collect = (logs: LogLine[]) => (obj: object, msg: string) => logs.push({ obj: obj as never, msg });

/** One API process starting: what it logs and prints. */
async function start(tokenFile = join(dir, "setup-token"), bootstrapConfigured = false) {
  const logs: LogLine[] = [];
  let printed = "";
  const log = { info: collect(logs), warn: collect(logs) };
  const outcome = await announceFirstAdminSetup(
    server.database.db,
    { publicUrl: "http://oz.test", tokenFile, bootstrapConfigured },
    log,
    (text) => (printed += text),
  );
  const url = logs.find((l) => l.obj.setup_url)?.obj.setup_url as string | undefined;
  return { outcome, logs, printed, url, token: url && new URL(url).searchParams.get("token")! };
}

const setup = (token: string, overrides: Record<string, unknown> = {}) =>
  call(server, "POST", "/setup", {
    headers: CSRF,
    body: {
      token,
      team_name: "First team",
      display_name: "Grace Admin",
      email: "Grace@Example.com",
      password: "a long first password",
      ...overrides,
    },
  });

describe("the first admin's setup link", () => {
  let first: Awaited<ReturnType<typeof start>>;

  it("is printed (log and banner) and written to the token file, mode 0600, when no user exists", async () => {
    first = await start(join(dir, "nested", "setup-token"));
    expect(first.outcome).toBe("announced");
    expect(first.url).toMatch(/^http:\/\/oz\.test\/setup\?token=[A-Za-z0-9_-]{43}$/);
    expect(first.printed).toContain(first.url);
    expect(first.printed).toMatch(/OZ_BOOTSTRAP_ADMIN_EMAIL/);
    const file = join(dir, "nested", "setup-token");
    expect((await readFile(file, "utf8")).trim()).toBe(first.url);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Only the hash is stored.
    const row = await server.database.db.setupToken.findUniqueOrThrow({ where: { id: 1 } });
    expect(row.tokenHash).not.toContain(first.token);
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const status = await call(server, "GET", "/setup");
    expect(status.json).toEqual({ setup_required: true, expires_at: row.expiresAt.toISOString() });
  });

  it("is the same link after a restart, and other processes starting meanwhile do not replace it", async () => {
    const again = await start(join(dir, "nested", "setup-token"));
    expect(again.url).toBe(first.url);
    const others = await Promise.all([start(join(dir, "a")), start(join(dir, "b"))]);
    expect(others.map((o) => o.outcome)).toEqual(["held-elsewhere", "held-elsewhere"]);
    expect(others[0]!.logs[0]!.msg).toMatch(/another API process printed the setup link/);
    expect(others.every((o) => o.printed === "")).toBe(true);
  });

  it("says nothing when a bootstrap admin is configured", async () => {
    expect((await start(join(dir, "c"), true)).outcome).toBe("not-needed");
  });

  it("refuses a wrong token and names the field of a weak password", async () => {
    expectProblem(await setup("not-the-token"), 403, "not_authorized", /^token: this setup link is not valid/);
    expectProblem(await setup(first.token!, { password: "short" }), 400, "invalid_request", /password/);
  });

  it("creates the team and its admin, signs them in and shows their first API key, once", async () => {
    const res = await setup(first.token!);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      user: { email: "grace@example.com", display_name: "Grace Admin", role: "admin", instance_admin: true },
      team: { name: "First team" },
      api_key: expect.stringMatching(/^wk-/),
    });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const session = await call(server, "GET", "/auth/session", { headers: { cookie } });
    expect(session.json.user).toMatchObject({ email: "grace@example.com", instance_admin: true });
    const whoami = await call(server, "GET", "/whoami", { key: res.json.api_key });
    expect(whoami.json).toMatchObject({ email: "grace@example.com", role: "admin", team: { name: "First team" } });

    expectProblem(await setup(first.token!, { email: "second@example.com" }), 404, "resource_not_found");
    expectProblem(await call(server, "GET", "/setup"), 404, "resource_not_found", /setup is done/);
    const signIn = await call(server, "POST", "/auth/login", {
      headers: CSRF,
      body: { email: "grace@example.com", password: "a long first password" },
    });
    expect(signIn.status).toBe(200);
  });

  it("is not printed any more once an admin exists, and its file is removed", async () => {
    const file = join(dir, "nested", "setup-token");
    expect((await start(file)).outcome).toBe("not-needed");
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
