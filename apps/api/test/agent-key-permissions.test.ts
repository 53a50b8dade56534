import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createAgent } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// A cloud agent's key runs untrusted model output. It may read what its runs need and start runs, but every
// change that could widen its own reach — environments (which name secrets), secrets, agents, keys — is a
// 403, whatever the target, and changes nothing.

let server: TestServer;
let bot: string;
const own = { env: "", agent: "", key: "" };

beforeAll(async () => {
  server = await startTestServer();
  const admin = server.team.apiKey;
  const agent = await createAgent(server.database.db, server.team.teamId, { name: "Builder" });
  bot = await agentKey(server.database.db, server.team.teamId, agent.id);
  await call(server, "POST", "/secrets", { key: admin, body: { name: "PROD_DB_PASSWORD", value: "hunter2hunter2" } });
  const env = await call(server, "POST", "/agent/environments", {
    key: admin,
    body: { name: "web", docker_image: "debian" },
  });
  const key = await call(server, "POST", "/api-keys", { key: admin, body: { name: "laptop" } });
  Object.assign(own, { env: env.json.uid, agent: agent.id, key: key.json.uid });
});
afterAll(() => server.close());

const WRITES: [method: string, path: () => string, body?: unknown][] = [
  ["POST", () => "/agent/environments", { name: "exfil", docker_image: "debian", secrets: ["PROD_DB_PASSWORD"] }],
  ["PUT", () => `/agent/environments/${own.env}`, { secrets: ["PROD_DB_PASSWORD"] }],
  ["PATCH", () => `/agent/environments/${own.env}`, { secrets: ["PROD_DB_PASSWORD"] }],
  ["DELETE", () => `/agent/environments/${own.env}`],
  ["POST", () => "/secrets", { name: "MINE", value: "whatever-value" }],
  ["PUT", () => "/secrets/PROD_DB_PASSWORD", { value: "replaced-value" }],
  ["DELETE", () => "/secrets/PROD_DB_PASSWORD"],
  ["POST", () => "/agent/identities", { name: "Sidekick", secrets: [{ name: "PROD_DB_PASSWORD" }] }],
  ["PUT", () => `/agent/identities/${own.agent}`, { secrets: [{ name: "PROD_DB_PASSWORD" }] }],
  ["DELETE", () => `/agent/identities/${own.agent}`],
  ["POST", () => "/api-keys", { name: "more", agent_uid: own.agent }],
  ["GET", () => "/api-keys"],
  ["DELETE", () => `/api-keys/${own.key}`],
];

describe("an agent's key", () => {
  it.each(WRITES)("is refused %s %s with a 403 problem", async (method, path, body) => {
    const res = await call(server, method, path(), { key: bot, body });
    expectProblem(res, 403, "not_authorized", /^cloud agents cannot .*; use a personal API key$/);
  });

  it("changed nothing with all those attempts", async () => {
    const admin = server.team.apiKey;
    const env = await call(server, "GET", `/agent/environments/${own.env}`, { key: admin });
    expect(env.status).toBe(200);
    expect(env.json.config.secrets ?? []).toEqual([]);
    const envs = await call(server, "GET", "/agent/environments", { key: admin });
    expect(envs.json.environments.map((e: { config: { name: string } }) => e.config.name)).toEqual(["web"]);
    const secrets = await call(server, "GET", "/secrets", { key: admin });
    expect(secrets.json.secrets.map((s: { name: string }) => s.name)).toEqual(["PROD_DB_PASSWORD"]);
    const agent = await call(server, "GET", `/agent/identities/${own.agent}`, { key: admin });
    expect(agent.status).toBe(200);
    expect(agent.json.secrets ?? []).toEqual([]);
    const keys = await call(server, "GET", "/api-keys", { key: admin });
    expect(keys.json.api_keys.map((k: { uid: string }) => k.uid)).toContain(own.key);
  });

  it("may still read what its runs use and start runs", async () => {
    for (const path of ["/agent/environments", `/agent/environments/${own.env}`, "/secrets", "/agent/identities"]) {
      expect((await call(server, "GET", path, { key: bot })).status, path).toBe(200);
    }
    const run = await call(server, "POST", "/agent/runs", {
      key: bot,
      body: { prompt: "build", config: { environment_id: own.env } },
    });
    expect(run.status, run.text).toBe(200);
  });
});
