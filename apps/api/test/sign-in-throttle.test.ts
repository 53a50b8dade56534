import { randomBytes } from "node:crypto";
import { hashPassword } from "@oz/auth";
import { createRedis } from "@oz/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignInThrottle } from "../src/sessions/sign-in-throttle.ts";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

const CSRF = { "x-oz-csrf": "1" };
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let server: TestServer;
const redis = createRedis(REDIS_URL);
beforeAll(async () => {
  // Waits long enough to observe on a busy machine; every test signs in from 127.0.0.1, so the address's
  // own limit is tested on its own below.
  const throttle = new SignInThrottle(redis, `oz-test-${randomBytes(4).toString("hex")}`, {
    firstWaitSeconds: 3,
    addressFreeFailures: 1000,
  });
  server = await startTestServer({ signInThrottle: throttle });
});
afterAll(async () => {
  await server.close();
  redis.disconnect();
});

/** A member of the team who can sign in with `password`. */
async function userWithPassword(password: string, cost?: { logN: number; r: number; p: number }) {
  const member = await addTeamMember(server, server.team.teamId, "member");
  await server.database.db.user.update({
    where: { id: member.userId },
    data: { passwordHash: await hashPassword(password, cost) },
  });
  return member;
}

const signIn = (email: string, password: string) =>
  call(server, "POST", "/auth/login", { body: { email, password }, headers: CSRF });

describe("password guessing", () => {
  it("is paced after five failures: 429 with Retry-After, even for the right password, until the wait is over", async () => {
    const { email } = await userWithPassword("the right one");
    for (let i = 0; i < 6; i++) expect((await signIn(email, `guess ${i}`)).status).toBe(401);

    const guesses = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(email, `parallel ${i}`)));
    expect(guesses.map((r) => r.status)).toEqual(Array(10).fill(429));
    const refused = await signIn(email, "the right one");
    const problem = expectProblem(refused, 429, "resource_unavailable", /too many failed sign-ins for this account/);
    expect(refused.json.title).toBe("Too many sign-in attempts.");
    expect(problem.retryable).toBe(true);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(problem.detail).toContain(`try again in ${wait} second`);
    expect(refused.headers.get("set-cookie")).toBeNull();

    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    const after = await signIn(email, "the right one");
    expect(after.status, after.text).toBe(200);
    // A success clears the account's count: a typo afterwards is an ordinary 401 again.
    expect((await signIn(email, "typo")).status).toBe(401);
    expect((await signIn(email, "the right one")).status).toBe(200);
  });

  it("does not let forty quick wrong guesses be followed by a working right one", async () => {
    const { email } = await userWithPassword("correct horse");
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await signIn(email, `wrong ${i}`)).status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThan(12);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(28);
    expectProblem(await signIn(email, "correct horse"), 429, "resource_unavailable");
  });

  it("leaves another account signing in from the same address alone", async () => {
    const victim = await userWithPassword("victim password");
    for (let i = 0; i < 8; i++) await signIn(victim.email, `wrong ${i}`);
    expect((await signIn(victim.email, "victim password")).status).toBe(429);
    const other = await userWithPassword("other password");
    expect((await signIn(other.email, "other password")).status).toBe(200);
  });

  it("counts unknown emails like known ones, so a 429 tells nothing about who has an account", async () => {
    const nobody = `nobody-${randomBytes(4).toString("hex")}@example.com`;
    for (let i = 0; i < 6; i++) expect((await signIn(nobody, "x")).status).toBe(401);
    expectProblem(await signIn(nobody, "x"), 429, "resource_unavailable");
  });
});

describe("the throttle's counts", () => {
  it("are shared by API processes through Redis, per account and per client address", async () => {
    const prefix = `oz-test-throttle-${randomBytes(4).toString("hex")}`;
    const other = createRedis(REDIS_URL);
    try {
      const options = { accountFreeFailures: 2, addressFreeFailures: 3, firstWaitSeconds: 60 };
      const one = new SignInThrottle(redis, prefix, options);
      const two = new SignInThrottle(other, prefix, options);
      await one.admit("a@example.com", "10.0.0.1");
      await two.admit("a@example.com", "10.0.0.1");
      await one.admit("a@example.com", "10.0.0.1"); // the first attempt beyond the free ones goes through…
      await one.failed("a@example.com", "10.0.0.1"); // …and fails: the next must wait
      await expect(two.admit("a@example.com", "10.0.0.1")).rejects.toMatchObject({
        status: 429,
        retryAfterSeconds: 60,
      });
      // The address has had three attempts: a fourth, for another account, is paced by the address.
      await two.admit("b@example.com", "10.0.0.1");
      await expect(one.admit("c@example.com", "10.0.0.1")).rejects.toMatchObject({
        detail: expect.stringMatching(/from this address/),
      });
      await one.admit("c@example.com", "10.0.0.2");
    } finally {
      other.disconnect();
    }
  });
});

describe("password hashes of an older cost", () => {
  it("are replaced by OWASP's cost on the next successful sign-in", async () => {
    const member = await userWithPassword("old but fine", { logN: 14, r: 8, p: 1 });
    const stored = async () =>
      (await server.database.db.user.findUniqueOrThrow({ where: { id: member.userId } })).passwordHash!;
    expect(await stored()).toMatch(/^scrypt\$ln=14,/);
    expect((await signIn(member.email, "wrong")).status).toBe(401);
    expect(await stored()).toMatch(/^scrypt\$ln=14,/);

    expect((await signIn(member.email, "old but fine")).status).toBe(200);
    expect(await stored()).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect((await signIn(member.email, "old but fine")).status).toBe(200);
  });
});
