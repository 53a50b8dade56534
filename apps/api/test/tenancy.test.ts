import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// Team A (acme) probes team B's (globex) agents, environments and keys with every verb. Each attempt must
// look exactly like asking for something that does not exist, and must change nothing.

let server: TestServer;
let a: string;
let b: string;
let theirs: {
  agent: string;
  env: string;
  agentKey: { uid: string; key: string };
  personalKey: { uid: string; key: string };
};
let aBot: string;
const NOBODY = "AAAAAAAAAAAAAAAAAAAAAA";

beforeAll(async () => {
  server = await startTestServer();
  a = server.team.apiKey;
  b = server.otherTeam.apiKey;
  const agent = await call(server, "POST", "/agent/identities", { key: b, body: { name: "Globex bot" } });
  const env = await call(server, "POST", "/agent/environments", {
    key: b,
    body: { name: "globex", docker_image: "debian" },
  });
  const agentKey = await call(server, "POST", "/api-keys", {
    key: b,
    body: { name: "bot", agent_uid: agent.json.uid },
  });
  const personalKey = await call(server, "POST", "/api-keys", { key: b, body: { name: "laptop" } });
  theirs = { agent: agent.json.uid, env: env.json.uid, agentKey: agentKey.json, personalKey: personalKey.json };
  const ownAgent = await call(server, "POST", "/agent/identities", { key: a, body: { name: "Acme bot" } });
  aBot = (await call(server, "POST", "/api-keys", { key: a, body: { name: "bot", agent_uid: ownAgent.json.uid } })).json
    .key;
});
afterAll(() => server.close());

/** The foreign resource's 404 must read like the 404 of an id that exists nowhere. */
async function expectInvisible(
  method: string,
  path: (uid: string) => string,
  uid: string,
  key: string,
  body?: unknown,
) {
  const foreign = await call(server, method, path(uid), { key, body });
  const missing = await call(server, method, path(NOBODY), { key, body });
  expectProblem(foreign, 404, "resource_not_found");
  expectProblem(missing, 404, "resource_not_found");
  expect(foreign.json.detail.replace(uid, "<id>")).toBe(missing.json.detail.replace(NOBODY, "<id>"));
}

describe("another team's cloud agents", () => {
  it("are never listed", async () => {
    for (const key of [a, aBot]) {
      const list = await call(server, "GET", "/agent/identities", { key });
      const uids = list.json.agents.map((x: { uid: string }) => x.uid);
      expect(uids).not.toContain(theirs.agent);
      expect(uids).not.toContain(server.otherTeam.defaultAgentId);
    }
  });

  it("are a 404 for get, update and delete, the default agent included", async () => {
    for (const uid of [theirs.agent, server.otherTeam.defaultAgentId]) {
      await expectInvisible("GET", (id) => `/agent/identities/${id}`, uid, a);
      await expectInvisible("GET", (id) => `/agent/identities/${id}`, uid, aBot);
      await expectInvisible("PUT", (id) => `/agent/identities/${id}`, uid, a, { name: "hijacked" });
      await expectInvisible("DELETE", (id) => `/agent/identities/${id}`, uid, a);
    }
  });

  it("cannot be given keys or have their keys listed", async () => {
    await expectInvisible("GET", (id) => `/api-keys?agent_uid=${id}`, theirs.agent, a);
    const foreign = await call(server, "POST", "/api-keys", { key: a, body: { name: "x", agent_uid: theirs.agent } });
    expectProblem(foreign, 404, "resource_not_found");
  });
});

describe("another team's environments", () => {
  it("are never listed", async () => {
    for (const key of [a, aBot]) {
      const list = await call(server, "GET", "/agent/environments", { key });
      expect(list.json.environments.map((e: { uid: string }) => e.uid)).not.toContain(theirs.env);
    }
  });

  it("are a 404 for get, put, patch and delete", async () => {
    await expectInvisible("GET", (id) => `/agent/environments/${id}`, theirs.env, aBot);
    await expectInvisible("GET", (id) => `/agent/environments/${id}`, theirs.env, a);
    await expectInvisible("PUT", (id) => `/agent/environments/${id}`, theirs.env, a, { name: "hijacked" });
    await expectInvisible("PATCH", (id) => `/agent/environments/${id}`, theirs.env, a, { name: "hijacked" });
    await expectInvisible("DELETE", (id) => `/agent/environments/${id}`, theirs.env, a);
  });

  it("are refused to an agent's key for writing, exactly like its own team's (no existence oracle)", async () => {
    for (const uid of [theirs.env, NOBODY]) {
      const res = await call(server, "PUT", `/agent/environments/${uid}`, { key: aBot, body: { name: "hijacked" } });
      expectProblem(res, 403, "not_authorized");
    }
  });

  it("cannot be an agent's default environment", async () => {
    const res = await call(server, "POST", "/agent/identities", {
      key: a,
      body: { name: "borrower", environment_id: theirs.env },
    });
    const missing = await call(server, "POST", "/agent/identities", {
      key: a,
      body: { name: "borrower", environment_id: NOBODY },
    });
    expectProblem(res, 400, "invalid_request", /environment_id/);
    expect(res.json.detail.replace(theirs.env, "<id>")).toBe(missing.json.detail.replace(NOBODY, "<id>"));
  });
});

describe("another team's API keys", () => {
  it("are never listed and are a 404 to delete", async () => {
    const list = await call(server, "GET", "/api-keys", { key: a });
    const uids = list.json.api_keys.map((k: { uid: string }) => k.uid);
    expect(uids).not.toContain(theirs.agentKey.uid);
    expect(uids).not.toContain(theirs.personalKey.uid);
    await expectInvisible("DELETE", (id) => `/api-keys/${id}`, theirs.agentKey.uid, a);
    await expectInvisible("DELETE", (id) => `/api-keys/${id}`, theirs.personalKey.uid, a);
  });
});

describe("after every attempt", () => {
  it("team B's agents, environments and keys are untouched", async () => {
    const agent = await call(server, "GET", `/agent/identities/${theirs.agent}`, { key: b });
    expect(agent.json.name).toBe("Globex bot");
    const env = await call(server, "GET", `/agent/environments/${theirs.env}`, { key: b });
    expect(env.json.config.name).toBe("globex");
    for (const key of [theirs.agentKey.key, theirs.personalKey.key]) {
      expect((await call(server, "GET", "/whoami", { key })).json.team.uid).toBe(server.otherTeam.teamId);
    }
  });
});
