import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, seedTeam, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer({ agentLimit: 3 });
  admin = server.team.apiKey;
});
afterAll(() => server.close());

const createAgent = (body: Record<string, unknown>, key = admin) =>
  call(server, "POST", "/agent/identities", { key, body });
const updateAgent = (uid: string, body: Record<string, unknown>, key = admin) =>
  call(server, "PUT", `/agent/identities/${uid}`, { key, body });

async function agentKey(agentUid: string) {
  const res = await call(server, "POST", "/api-keys", { key: admin, body: { name: "bot", agent_uid: agentUid } });
  expect(res.status, res.text).toBe(200);
  return res.json.key as string;
}

describe("creating a cloud agent", () => {
  it("returns the full AgentResponse with every required member, defaults filled in", async () => {
    const res = await createAgent({ name: "  Reviewer  " });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      uid: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      name: "Reviewer",
      available: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      default_runner_uid: "",
      skills: [],
      secrets: [],
      memory: { attached_stores: [], auto_memory: { enabled: true } },
      is_default: false,
      on_behalf_of_enabled: false,
    });
    expect(new Date(res.json.created_at).toISOString()).toBe(res.json.created_at);
    await call(server, "DELETE", `/agent/identities/${res.json.uid}`, { key: admin });
  });

  it("stores every optional member and trims worker_host", async () => {
    const env = await call(server, "POST", "/agent/environments", {
      key: admin,
      body: { name: "web", docker_image: "node:24" },
    });
    const fields = {
      description: "builds things",
      prompt: "be careful",
      agent_type: "IMPLEMENT",
      base_model: "gpt-5",
      harness: { type: "oz" },
      credential_strategy: "EXECUTOR",
      default_runner_uid: "runner-1",
      environment_id: env.json.uid,
      factory_uid: "factory-1",
      mcp_servers: { linear: { warp_id: "linear" } },
      secrets: [{ name: "GH_TOKEN" }],
      skills: ["acme/web:.claude/skills/deploy/SKILL.md"],
      worker_host: "  host-1  ",
      memory: {
        attached_stores: [{ uid: "m1", access: "read_only", instructions: "docs" }],
        auto_memory: { enabled: false },
      },
    };
    const res = await createAgent({ name: "Builder", ...fields });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ ...fields, worker_host: "host-1" });
    const fetched = await call(server, "GET", `/agent/identities/${res.json.uid}`, { key: admin });
    expect(fetched.json).toEqual(res.json);
    await call(server, "DELETE", `/agent/identities/${res.json.uid}`, { key: admin });
  });

  it("treats a blank worker_host as no agent default", async () => {
    const res = await createAgent({ name: "Blank host", worker_host: "   " });
    expect(res.json).not.toHaveProperty("worker_host");
    await call(server, "DELETE", `/agent/identities/${res.json.uid}`, { key: admin });
  });

  it("rejects invalid bodies with a problem naming the field", async () => {
    expectProblem(await createAgent({}), 400, "invalid_request", /body\.name/);
    expectProblem(await createAgent({ name: "   " }), 400, "invalid_request", /body\.name: name is required/);
    expectProblem(
      await createAgent({ name: "x", secrets: [{ name: "A" }, { name: "A" }] }),
      400,
      "invalid_request",
      /body\.secrets\.1\.name: duplicate secret name 'A'/,
    );
    expectProblem(
      await createAgent({
        name: "x",
        memory: {
          attached_stores: [
            { uid: "m", access: "read_only", instructions: "a" },
            { uid: "m", access: "read_write", instructions: "b" },
          ],
        },
      }),
      400,
      "invalid_request",
      /attached_stores\.1\.uid: duplicate memory store 'm'/,
    );
    expectProblem(
      await createAgent({ name: "x", harness: { type: "claude" }, base_model: "gpt-5" }),
      400,
      "invalid_request",
      /body\.base_model/,
    );
    expectProblem(await createAgent({ name: "x", agent_type: "BOSS" }), 400, "invalid_request", /body\.agent_type/);
  });

  it("refuses an environment_id that is not one of the team's environments", async () => {
    const foreign = await call(server, "POST", "/agent/environments", {
      key: server.otherTeam.apiKey,
      body: { name: "theirs", docker_image: "debian" },
    });
    expectProblem(
      await createAgent({ name: "x", environment_id: foreign.json.uid }),
      400,
      "invalid_request",
      /^environment_id: /,
    );
    expectProblem(
      await createAgent({ name: "x", environment_id: "nope" }),
      400,
      "invalid_request",
      /environment_id: environment nope not found/,
    );
  });
});

describe("listing and retrieving cloud agents", () => {
  it("lists the default agent with the others, in creation order", async () => {
    const a = await createAgent({ name: "Listed", factory_uid: "f-42" });
    const res = await call(server, "GET", "/agent/identities", { key: admin });
    expect(res.status).toBe(200);
    const uids = res.json.agents.map((x: { uid: string }) => x.uid);
    expect(uids[0]).toBe(server.team.defaultAgentId);
    expect(res.json.agents[0]).toMatchObject({ is_default: true, available: true, name: "Default agent" });
    expect(uids).toContain(a.json.uid);

    const byFactory = await call(server, "GET", "/agent/identities?factory_uid=f-42", { key: admin });
    expect(byFactory.json.agents.map((x: { uid: string }) => x.uid)).toEqual([a.json.uid]);
    await call(server, "DELETE", `/agent/identities/${a.json.uid}`, { key: admin });
  });

  it("answers 404 for an unknown agent", async () => {
    expectProblem(
      await call(server, "GET", "/agent/identities/AAAAAAAAAAAAAAAAAAAAAA", { key: admin }),
      404,
      "resource_not_found",
      /agent AAAAAAAAAAAAAAAAAAAAAA not found/,
    );
  });

  it("lets a cloud agent read identities but not manage them", async () => {
    const bot = await agentKey(server.team.defaultAgentId);
    const list = await call(server, "GET", "/agent/identities", { key: bot });
    expect(list.status).toBe(200);
    const get = await call(server, "GET", `/agent/identities/${server.team.defaultAgentId}`, { key: bot });
    expect(get.status).toBe(200);

    expectProblem(await createAgent({ name: "by a bot" }, bot), 403, "not_authorized");
    expectProblem(await updateAgent(server.team.defaultAgentId, { name: "renamed" }, bot), 403, "not_authorized");
    expectProblem(
      await call(server, "DELETE", `/agent/identities/${server.team.defaultAgentId}`, { key: bot }),
      403,
      "not_authorized",
    );
  });
});

describe("updating a cloud agent (omit / null keeps, empty clears, value replaces)", () => {
  const full = {
    name: "Full",
    description: "d",
    prompt: "p",
    agent_type: "REVIEW",
    base_model: "m",
    credential_strategy: "CREATOR",
    default_runner_uid: "r",
    harness_auth_secrets: { claude_auth_secret_name: "CLAUDE" },
    inference_providers: { aws: { region: "eu-west-1" } },
    mcp_servers: { fs: { command: "mcp-fs", args: ["/"] } },
    secrets: [{ name: "S1" }],
    skills: ["a/b:SKILL.md"],
    worker_host: "w",
    memory: { attached_stores: [{ uid: "m1", access: "read_write", instructions: "notes" }] },
  };

  it("keeps every member when it is omitted or null", async () => {
    const created = await createAgent(full);
    const uid = created.json.uid;
    const omitted = await updateAgent(uid, {});
    expect(omitted.status).toBe(200);
    const nulls = Object.fromEntries(Object.keys(full).map((k) => [k, null]));
    const nulled = await updateAgent(uid, nulls);
    expect(nulled.status, nulled.text).toBe(200);
    const { updated_at: _a, ...before } = created.json;
    const { updated_at: _b, ...after } = nulled.json;
    expect(after).toEqual(before);
    await call(server, "DELETE", `/agent/identities/${uid}`, { key: admin });
  });

  it("clears members sent empty", async () => {
    const created = await createAgent(full);
    const res = await updateAgent(created.json.uid, {
      description: "",
      prompt: "",
      agent_type: "",
      base_model: "",
      credential_strategy: "",
      default_runner_uid: "",
      harness_auth_secrets: {},
      inference_providers: {},
      mcp_servers: {},
      secrets: [],
      skills: [],
      worker_host: "",
      memory: { attached_stores: [] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      uid: created.json.uid,
      name: "Full",
      available: true,
      created_at: created.json.created_at,
      updated_at: expect.any(String),
      default_runner_uid: "",
      skills: [],
      secrets: [],
      memory: { attached_stores: [], auto_memory: { enabled: true } },
      is_default: false,
      on_behalf_of_enabled: false,
    });
    expect(Date.parse(res.json.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.json.updated_at));
    await call(server, "DELETE", `/agent/identities/${created.json.uid}`, { key: admin });
  });

  it("replaces members sent with a value, wholesale", async () => {
    const created = await createAgent(full);
    const res = await updateAgent(created.json.uid, {
      name: "Renamed",
      mcp_servers: { web: { url: "http://mcp.local" } },
      secrets: [{ name: "S2" }, { name: "S3" }],
      skills: ["c/d:SKILL.md"],
      worker_host: " w2 ",
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      name: "Renamed",
      mcp_servers: { web: { url: "http://mcp.local" } },
      secrets: [{ name: "S2" }, { name: "S3" }],
      skills: ["c/d:SKILL.md"],
      worker_host: "w2",
      description: "d",
    });
    await call(server, "DELETE", `/agent/identities/${created.json.uid}`, { key: admin });
  });

  it("refuses an empty name, and a third-party harness next to a stored base_model", async () => {
    const created = await createAgent(full);
    expectProblem(await updateAgent(created.json.uid, { name: "" }), 400, "invalid_request", /body\.name/);
    expectProblem(
      await updateAgent(created.json.uid, { harness: { type: "codex" } }),
      400,
      "invalid_request",
      /^base_model: /,
    );
    const ok = await updateAgent(created.json.uid, { harness: { type: "codex" }, base_model: "" });
    expect(ok.status).toBe(200);
    expect(ok.json.harness).toEqual({ type: "codex" });
    expect(ok.json).not.toHaveProperty("base_model");
    await call(server, "DELETE", `/agent/identities/${created.json.uid}`, { key: admin });
  });

  it("answers 404 for an unknown agent", async () => {
    expectProblem(await updateAgent("AAAAAAAAAAAAAAAAAAAAAA", { name: "x" }), 404, "resource_not_found");
  });
});

describe("on_behalf_of_enabled is for team admins", () => {
  it("a member cannot switch it on, at creation or later; an admin can", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    expectProblem(
      await createAgent({ name: "delegate", on_behalf_of_enabled: true }, member.apiKey),
      403,
      "not_authorized",
      /on_behalf_of_enabled/,
    );
    const created = await createAgent({ name: "delegate", on_behalf_of_enabled: false }, member.apiKey);
    expect(created.status).toBe(200);
    expectProblem(
      await updateAgent(created.json.uid, { on_behalf_of_enabled: true }, member.apiKey),
      403,
      "not_authorized",
    );
    // Sending back the value it already has is not a change.
    const same = await updateAgent(created.json.uid, { on_behalf_of_enabled: false, prompt: "hi" }, member.apiKey);
    expect(same.status).toBe(200);

    const byAdmin = await updateAgent(created.json.uid, { on_behalf_of_enabled: true });
    expect(byAdmin.json.on_behalf_of_enabled).toBe(true);
    await call(server, "DELETE", `/agent/identities/${created.json.uid}`, { key: admin });
  });
});

describe("deleting a cloud agent", () => {
  it("is a soft delete answering 204, after which the agent is gone and its keys stop working", async () => {
    const created = await createAgent({ name: "Doomed" });
    const uid = created.json.uid;
    const key = await agentKey(uid);
    expect((await call(server, "GET", "/whoami", { key })).status).toBe(200);

    const res = await call(server, "DELETE", `/agent/identities/${uid}`, { key: admin });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");

    expectProblem(await call(server, "GET", "/whoami", { key }), 401, "authentication_required");
    expectProblem(await call(server, "GET", `/agent/identities/${uid}`, { key: admin }), 404, "resource_not_found");
    expectProblem(await updateAgent(uid, { name: "back" }), 404, "resource_not_found");
    expectProblem(await call(server, "DELETE", `/agent/identities/${uid}`, { key: admin }), 404, "resource_not_found");
    const list = await call(server, "GET", "/agent/identities", { key: admin });
    expect(list.json.agents.map((a: { uid: string }) => a.uid)).not.toContain(uid);

    const row = await server.database.db.agent.findUnique({ where: { id: uid }, include: { apiKeys: true } });
    expect(row?.deletedAt).toBeInstanceOf(Date);
    expect(row?.apiKeys.every((k) => k.revokedAt !== null && k.revokedAt.getTime() === row.deletedAt!.getTime())).toBe(
      true,
    );
  });

  it("refuses to delete the team's default agent", async () => {
    expectProblem(
      await call(server, "DELETE", `/agent/identities/${server.team.defaultAgentId}`, { key: admin }),
      422,
      "operation_not_supported",
      /default agent/,
    );
  });
});

describe("the team's agent limit", () => {
  it("refuses agents beyond the limit; after a downgrade the newest become unavailable and locked", async () => {
    const team = await seedTeam(server, "limited");
    const key = team.apiKey;
    const uids: string[] = [];
    for (const name of ["one", "two", "three"]) {
      const res = await createAgent({ name }, key);
      expect(res.status).toBe(200);
      uids.push(res.json.uid);
    }
    expectProblem(await createAgent({ name: "four" }, key), 403, "feature_not_available", /at most 3/);

    await server.database.db.team.update({ where: { id: team.teamId }, data: { agentLimit: 1 } });
    const list = await call(server, "GET", "/agent/identities", { key });
    const availability = Object.fromEntries(
      list.json.agents.map((a: { uid: string; available: boolean }) => [a.uid, a.available]),
    );
    expect(availability).toEqual({
      [team.defaultAgentId]: true,
      [uids[0]!]: true,
      [uids[1]!]: false,
      [uids[2]!]: false,
    });
    expect((await call(server, "GET", `/agent/identities/${uids[2]}`, { key })).json.available).toBe(false);

    expectProblem(await updateAgent(uids[2]!, { prompt: "x" }, key), 403, "feature_not_available");
    expectProblem(
      await call(server, "POST", "/api-keys", { key, body: { name: "k", agent_uid: uids[2] } }),
      403,
      "feature_not_available",
    );
    // Deleting one is how a team gets back under its limit.
    expect((await call(server, "DELETE", `/agent/identities/${uids[0]}`, { key })).status).toBe(204);
    expect((await call(server, "GET", `/agent/identities/${uids[1]}`, { key })).json.available).toBe(true);
  });
});
