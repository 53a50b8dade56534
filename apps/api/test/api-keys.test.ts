import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@oz/auth";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let admin: string;
let member: Awaited<ReturnType<typeof addTeamMember>>;
let agentUid: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.team.apiKey;
  member = await addTeamMember(server, server.team.teamId, "member");
  const agent = await call(server, "POST", "/agent/identities", { key: admin, body: { name: "Deployer" } });
  agentUid = agent.json.uid;
});
afterAll(() => server.close());

const DAY = 86_400_000;
const createKey = (body: Record<string, unknown>, key = admin) => call(server, "POST", "/api-keys", { key, body });
const listKeys = (key = admin, query = "") => call(server, "GET", `/api-keys${query}`, { key });

describe("creating an API key", () => {
  it("shows the raw key once, with its masked form and a 90-day default expiry", async () => {
    const res = await createKey({ name: "laptop" });
    expect(res.status).toBe(200);
    const { key, ...item } = res.json;
    expect(key).toMatch(/^wk-[A-Za-z0-9]{40}$/);
    expect(item).toEqual({
      uid: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      name: "laptop",
      scope: "personal",
      masked_key: `wk-**${key.slice(-4)}`,
      created_at: expect.any(String),
      expires_at: expect.any(String),
      last_used_at: null,
    });
    expect(Date.parse(item.expires_at) - Date.parse(item.created_at)).toBe(90 * DAY);

    const whoami = await call(server, "GET", "/whoami", { key });
    expect(whoami.json).toMatchObject({ principal: `user:${server.team.userId}`, type: "user" });
    // Only the hash is stored.
    const row = await server.database.db.apiKey.findUnique({ where: { id: item.uid } });
    expect(row?.keyHash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key);
  });

  it("offers 1 day, 30 days, 90 days or never", async () => {
    for (const [expires_in, days] of [
      ["1d", 1],
      ["30d", 30],
      ["90d", 90],
    ] as const) {
      const res = await createKey({ name: expires_in, expires_in });
      expect(Date.parse(res.json.expires_at) - Date.parse(res.json.created_at)).toBe(days * DAY);
    }
    const never = await createKey({ name: "forever", expires_in: "never" });
    expect(never.json.expires_at).toBeNull();
    expectProblem(await createKey({ name: "x", expires_in: "7d" }), 400, "invalid_request", /body\.expires_in/);
    expectProblem(await createKey({}), 400, "invalid_request", /body\.name/);
  });

  it("binds a key to a cloud agent for team admins only", async () => {
    const res = await createKey({ name: "ci", agent_uid: agentUid, expires_in: "30d" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ scope: "agent", agent_uid: agentUid });
    const whoami = await call(server, "GET", "/whoami", { key: res.json.key });
    expect(whoami.json).toMatchObject({ principal: `service_account:${agentUid}`, display_name: "Deployer" });

    expectProblem(await createKey({ name: "ci", agent_uid: agentUid }, member.apiKey), 403, "not_authorized", /admins/);
    expectProblem(
      await createKey({ name: "ci", agent_uid: "AAAAAAAAAAAAAAAAAAAAAA" }),
      404,
      "resource_not_found",
      /agent AAAAAAAAAAAAAAAAAAAAAA not found/,
    );
  });

  it("a cloud agent's key cannot mint, list or revoke keys", async () => {
    const bot = (await createKey({ name: "bot", agent_uid: agentUid })).json;
    expectProblem(await createKey({ name: "more" }, bot.key), 403, "not_authorized");
    expectProblem(await listKeys(bot.key), 403, "not_authorized");
    expectProblem(await call(server, "DELETE", `/api-keys/${bot.uid}`, { key: bot.key }), 403, "not_authorized");
  });
});

describe("listing API keys", () => {
  it("shows a member their own personal keys and the team's agent keys, never a secret", async () => {
    const mine = (await createKey({ name: "member laptop" }, member.apiKey)).json;
    const adminsOwn = (await createKey({ name: "admin only" })).json;
    const agentKey = (await createKey({ name: "agent visible", agent_uid: agentUid })).json;

    const res = await listKeys(member.apiKey);
    expect(res.status).toBe(200);
    const names = res.json.api_keys.map((k: { name: string }) => k.name);
    expect(names).toContain("member laptop");
    expect(names).toContain("agent visible");
    expect(names).not.toContain("admin only");
    for (const secret of [mine.key, adminsOwn.key, agentKey.key]) expect(res.text).not.toContain(secret);
    for (const item of res.json.api_keys) {
      expect(Object.keys(item).sort()).toEqual(
        expect.arrayContaining(["uid", "name", "scope", "masked_key", "created_at", "expires_at", "last_used_at"]),
      );
      expect(item).not.toHaveProperty("key");
      expect(item).not.toHaveProperty("key_hash");
    }
    const listed = res.json.api_keys.find((k: { uid: string }) => k.uid === mine.uid);
    expect(listed).toEqual({ ...mine, key: undefined, last_used_at: listed.last_used_at });
  });

  it("narrows to one agent's keys with agent_uid", async () => {
    const res = await listKeys(admin, `?agent_uid=${agentUid}`);
    expect(res.json.api_keys.length).toBeGreaterThan(0);
    expect(res.json.api_keys.every((k: { agent_uid?: string }) => k.agent_uid === agentUid)).toBe(true);
    expectProblem(await listKeys(admin, "?agent_uid=AAAAAAAAAAAAAAAAAAAAAA"), 404, "resource_not_found");
  });

  it("records when a key was last used", async () => {
    const created = (await createKey({ name: "tracked" })).json;
    expect(created.last_used_at).toBeNull();
    const before = Date.now();
    await call(server, "GET", "/whoami", { key: created.key });
    // The bookkeeping write does not hold up the request: wait for it to land.
    let lastUsed: string | null = null;
    for (let i = 0; i < 50 && !lastUsed; i++) {
      const res = await listKeys();
      lastUsed = res.json.api_keys.find((k: { uid: string }) => k.uid === created.uid).last_used_at;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).not.toBeNull();
    expect(Date.parse(lastUsed!)).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe("revoking and expiring API keys", () => {
  it("a deleted key stops working at once", async () => {
    const created = (await createKey({ name: "temporary" })).json;
    expect((await call(server, "GET", "/whoami", { key: created.key })).status).toBe(200);

    const res = await call(server, "DELETE", `/api-keys/${created.uid}`, { key: admin });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expectProblem(await call(server, "GET", "/whoami", { key: created.key }), 401, "authentication_required");
    expect((await listKeys()).json.api_keys.map((k: { uid: string }) => k.uid)).not.toContain(created.uid);
    expectProblem(await call(server, "DELETE", `/api-keys/${created.uid}`, { key: admin }), 404, "resource_not_found");
  });

  it("a caller may revoke the very key they are using", async () => {
    const created = (await createKey({ name: "self-destruct" })).json;
    expect((await call(server, "DELETE", `/api-keys/${created.uid}`, { key: created.key })).status).toBe(204);
    expectProblem(await call(server, "GET", "/whoami", { key: created.key }), 401, "authentication_required");
  });

  it("others' personal keys are invisible and agent keys are revoked by admins only", async () => {
    const adminsOwn = (await createKey({ name: "admin laptop" })).json;
    const membersOwn = (await createKey({ name: "member laptop" }, member.apiKey)).json;
    const agentKey = (await createKey({ name: "deploy", agent_uid: agentUid })).json;

    expectProblem(
      await call(server, "DELETE", `/api-keys/${adminsOwn.uid}`, { key: member.apiKey }),
      404,
      "resource_not_found",
    );
    expectProblem(
      await call(server, "DELETE", `/api-keys/${membersOwn.uid}`, { key: admin }),
      404,
      "resource_not_found",
    );
    expectProblem(
      await call(server, "DELETE", `/api-keys/${agentKey.uid}`, { key: member.apiKey }),
      403,
      "not_authorized",
    );
    expect((await call(server, "DELETE", `/api-keys/${agentKey.uid}`, { key: admin })).status).toBe(204);
    expectProblem(await call(server, "GET", "/whoami", { key: agentKey.key }), 401, "authentication_required");
    for (const key of [adminsOwn.key, membersOwn.key]) {
      expect((await call(server, "GET", "/whoami", { key })).status).toBe(200);
    }
  });

  it("an expired key is refused with 401", async () => {
    const created = (await createKey({ name: "old", expires_in: "1d" })).json;
    await server.database.db.apiKey.update({
      where: { id: created.uid },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await call(server, "GET", "/whoami", { key: created.key });
    expectProblem(res, 401, "authentication_required", /expired/);
  });
});
