import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFileArtifact } from "@oz/artifacts";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createAgent, startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// Team B attacks team A through every endpoint that names a resource. Each answer must be the 404 a
// resource that exists nowhere gets (same status, code and wording: no existence oracle), for B's people
// and B's cloud agents alike, and team A's resources must be untouched afterwards.

let server: TestServer;
let attackers: { who: string; key: string }[];
const a = { run: "", env: "", agent: "", artifact: "", key: "", secret: "A_ONLY_SECRET", schedule: "" };
const MISSING = {
  run: "00000000-0000-4000-8000-000000000000",
  env: "AAAAAAAAAAAAAAAAAAAAAA",
  agent: "AAAAAAAAAAAAAAAAAAAAAA",
  artifact: "00000000-0000-4000-8000-000000000001",
  key: "AAAAAAAAAAAAAAAAAAAAAA",
  secret: "NO_SUCH_SECRET",
  schedule: "BBBBBBBBBBBBBBBBBBBBBB",
};
type Ids = typeof MISSING;

beforeAll(async () => {
  server = await startTestServer();
  const { db } = server.database;
  const admin = server.team.apiKey;
  await call(server, "POST", "/secrets", { key: admin, body: { name: a.secret, value: "a-team-only-value" } });
  a.env = (
    await call(server, "POST", "/agent/environments", { key: admin, body: { name: "a", docker_image: "x" } })
  ).json.uid;
  a.agent = (await createAgent(db, server.team.teamId, { name: "A bot" })).id;
  a.key = (await call(server, "POST", "/api-keys", { key: admin, body: { name: "A laptop" } })).json.uid;
  a.schedule = (
    await call(server, "POST", "/agent/schedules", {
      key: admin,
      body: { name: "A nightly", cron_schedule: "0 3 * * *", prompt: "team A's nightly" },
    })
  ).json.id;
  a.run = await startRun(server, { prompt: "team A's work", config: { environment_id: a.env } });
  a.artifact = (
    await recordFileArtifact(db, server.blobs, {
      runId: a.run,
      teamId: server.team.teamId,
      filepath: "report.txt",
      content: Buffer.from("A's report"),
      isPublic: false,
    })
  ).uid;
  const bAgent = await createAgent(db, server.otherTeam.teamId, { name: "B bot" });
  attackers = [
    { who: "B's admin", key: server.otherTeam.apiKey },
    { who: "B's cloud agent", key: await agentKey(db, server.otherTeam.teamId, bAgent.id) },
  ];
});
afterAll(() => server.close());

/** Every endpoint that names a resource of a team, with what it names. */
const ENDPOINTS: { method: string; path: (ids: Ids) => string; body?: unknown; humansOnly?: boolean }[] = [
  { method: "GET", path: (i) => `/agent/runs/${i.run}` },
  { method: "POST", path: (i) => `/agent/runs/${i.run}/cancel` },
  { method: "GET", path: (i) => `/agent/runs/${i.run}/events` },
  { method: "GET", path: (i) => `/agent/runs/${i.run}/events/stream` },
  { method: "POST", path: (i) => `/agent/runs/${i.run}/followups`, body: { message: "leak your secrets" } },
  { method: "GET", path: (i) => `/agent/runs/${i.run}/handoff/attachments` },
  { method: "GET", path: (i) => `/agent/environments/${i.env}` },
  { method: "PUT", path: (i) => `/agent/environments/${i.env}`, body: { name: "pwned" }, humansOnly: true },
  { method: "PATCH", path: (i) => `/agent/environments/${i.env}`, body: { name: "pwned" }, humansOnly: true },
  { method: "DELETE", path: (i) => `/agent/environments/${i.env}`, humansOnly: true },
  { method: "GET", path: (i) => `/agent/identities/${i.agent}` },
  { method: "PUT", path: (i) => `/agent/identities/${i.agent}`, body: { name: "pwned" }, humansOnly: true },
  { method: "DELETE", path: (i) => `/agent/identities/${i.agent}`, humansOnly: true },
  { method: "GET", path: (i) => `/agent/artifacts/${i.artifact}` },
  { method: "DELETE", path: (i) => `/secrets/${i.secret}`, humansOnly: true },
  { method: "DELETE", path: (i) => `/api-keys/${i.key}`, humansOnly: true },
  { method: "GET", path: (i) => `/api-keys?agent_uid=${i.agent}`, humansOnly: true },
  { method: "POST", path: () => "/api-keys", body: { name: "x" }, humansOnly: true }, // body names the agent below
  { method: "GET", path: (i) => `/agent/schedules/${i.schedule}` },
  {
    method: "PUT",
    path: (i) => `/agent/schedules/${i.schedule}`,
    body: { name: "pwned", cron_schedule: "* * * * *", enabled: true, prompt: "leak" },
    humansOnly: true,
  },
  { method: "POST", path: (i) => `/agent/schedules/${i.schedule}/pause`, humansOnly: true },
  { method: "POST", path: (i) => `/agent/schedules/${i.schedule}/resume`, humansOnly: true },
  { method: "DELETE", path: (i) => `/agent/schedules/${i.schedule}`, humansOnly: true },
];

describe("team B probing team A's resources", () => {
  it("gets exactly the 404 of a resource that does not exist, from every endpoint", async () => {
    for (const { who, key } of attackers) {
      for (const endpoint of ENDPOINTS) {
        if (endpoint.humansOnly && who === "B's cloud agent") continue; // 403 before any lookup (own tests)
        const body =
          endpoint.path(a) === "/api-keys" ? { name: "x", agent_uid: a.agent } : (endpoint.body ?? undefined);
        const missingBody =
          endpoint.path(a) === "/api-keys" ? { name: "x", agent_uid: MISSING.agent } : (endpoint.body ?? undefined);
        const label = `${who}: ${endpoint.method} ${endpoint.path(a)}`;
        const foreign = await call(server, endpoint.method, endpoint.path(a), { key, body });
        const missing = await call(server, endpoint.method, endpoint.path(MISSING), { key, body: missingBody });
        expect(foreign.status, label).toBe(404);
        expectProblem(foreign, 404, "resource_not_found");
        expectProblem(missing, 404, "resource_not_found");
        const anonymise = (text: string, ids: Ids) =>
          Object.values(ids).reduce((t, id) => t.replaceAll(id, "<id>"), text);
        expect(anonymise(foreign.json.detail, a), label).toBe(anonymise(missing.json.detail, MISSING));
      }
    }
  });

  it("never sees them in a list", async () => {
    for (const { key } of attackers) {
      const runs = await call(server, "GET", "/agent/runs", { key });
      expect(runs.json.runs.map((r: { run_id: string }) => r.run_id)).not.toContain(a.run);
      const envs = await call(server, "GET", "/agent/environments", { key });
      expect(JSON.stringify(envs.json)).not.toContain(a.env);
      const agents = await call(server, "GET", "/agent/identities", { key });
      expect(JSON.stringify(agents.json)).not.toContain(a.agent);
      const secrets = await call(server, "GET", "/secrets", { key });
      expect(JSON.stringify(secrets.json)).not.toContain(a.secret);
      const schedules = await call(server, "GET", "/agent/schedules", { key });
      expect(JSON.stringify(schedules.json)).not.toContain(a.schedule);
      const scheduledRuns = await call(server, "GET", `/agent/runs?schedule_id=${a.schedule}`, { key });
      expect(scheduledRuns.json.runs).toEqual([]);
    }
  });

  it("cannot name them in a run of its own", async () => {
    for (const { key } of attackers) {
      const env = await call(server, "POST", "/agent/runs", {
        key,
        body: { prompt: "x", config: { environment_id: a.env } },
      });
      expectProblem(env, 404, "resource_not_found");
      const agent = await call(server, "POST", "/agent/runs", {
        key,
        body: { prompt: "x", agent_identity_uid: a.agent },
      });
      expectProblem(agent, 404, "resource_not_found");
      const parent = await call(server, "POST", "/agent/runs", { key, body: { prompt: "x", parent_run_id: a.run } });
      const noParent = await call(server, "POST", "/agent/runs", {
        key,
        body: { prompt: "x", parent_run_id: MISSING.run },
      });
      expect(parent.status).toBeGreaterThanOrEqual(400);
      expect([parent.status, parent.json.detail.replace(a.run, "<id>")]).toEqual([
        noParent.status,
        noParent.json.detail.replace(MISSING.run, "<id>"),
      ]);
    }
  });

  it("left everything of team A as it was", async () => {
    const admin = server.team.apiKey;
    const run = await call(server, "GET", `/agent/runs/${a.run}`, { key: admin });
    expect(run.json.state).toBe("QUEUED");
    const schedule = await call(server, "GET", `/agent/schedules/${a.schedule}`, { key: admin });
    expect(schedule.json).toMatchObject({ name: "A nightly", enabled: true, prompt: "team A's nightly" });
    expect((await call(server, "GET", `/agent/runs/${a.run}/events`, { key: admin })).json.events).not.toContainEqual(
      expect.objectContaining({ type: "followup" }),
    );
    expect((await call(server, "GET", `/agent/environments/${a.env}`, { key: admin })).json.config.name).toBe("a");
    expect((await call(server, "GET", `/agent/identities/${a.agent}`, { key: admin })).json.name).toBe("A bot");
    expect((await call(server, "GET", `/agent/artifacts/${a.artifact}`, { key: admin })).status).toBe(200);
    const secrets = (await call(server, "GET", "/secrets", { key: admin })).json.secrets;
    expect(secrets.map((s: { name: string }) => s.name)).toContain(a.secret);
    const keys = (await call(server, "GET", "/api-keys", { key: admin })).json.api_keys;
    expect(keys.map((k: { uid: string }) => k.uid)).toContain(a.key);
  });
});
