import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { agentKey, createAgent } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// A run naming `config.worker_host` executes on whatever machines serve that host's queue. Without a
// registry, any team could send its code to another team's self-hosted workers.

let server: TestServer;
let acme: string;
let globex: string;
beforeAll(async () => {
  server = await startTestServer();
  acme = server.team.apiKey;
  globex = server.otherTeam.apiKey;
});
afterAll(() => server.close());

const register = (host: string, key = acme) => call(server, "POST", "/worker-hosts", { key, body: { host } });
const runOn = (host: string, key = acme) =>
  call(server, "POST", "/agent/runs", { key, body: { prompt: "x", config: { worker_host: host } } });

describe("worker hosts", () => {
  it("a run naming a host its team never registered is refused, naming the field", async () => {
    const res = await runOn("gpu-box");
    expectProblem(res, 400, "invalid_request", /^config\.worker_host: 'gpu-box' is not a worker host of this team/);
    expect(await server.database.db.run.count({ where: { workerHost: "gpu-box" } })).toBe(0);
  });

  it("an admin registers a host; the team's runs may then name it, and it is listed", async () => {
    const created = await register("gpu-box");
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ host: "gpu-box", created_at: expect.any(String) });
    expect((await register("gpu-box")).status).toBe(200); // again: a no-op
    expect((await runOn("gpu-box")).status).toBe(200);
    expect((await runOn("  gpu-box  ")).status).toBe(200);
    const list = await call(server, "GET", "/worker-hosts", { key: acme });
    expect(list.json.worker_hosts.map((h: { host: string }) => h.host)).toEqual(["gpu-box"]);
  });

  it("another team's host is refused to runs exactly like an unknown one, and cannot be registered again", async () => {
    const theirs = await runOn("gpu-box", globex);
    const unknown = await runOn("no-such-box", globex);
    expectProblem(theirs, 400, "invalid_request");
    expect(theirs.json.detail.replace("gpu-box", "<h>")).toBe(unknown.json.detail.replace("no-such-box", "<h>"));
    expectProblem(await register("gpu-box", globex), 400, "invalid_request", /registered to another team/);
    expect((await call(server, "GET", "/worker-hosts", { key: globex })).json.worker_hosts).toEqual([]);
    expectProblem(await call(server, "DELETE", "/worker-hosts/gpu-box", { key: globex }), 404, "resource_not_found");
  });

  it("a cloud agent's default host is held to the same rule", async () => {
    const agent = await createAgent(server.database.db, server.team.teamId, { workerHost: "rack-9" });
    const res = await call(server, "POST", "/agent/runs", {
      key: acme,
      body: { prompt: "x", agent_identity_uid: agent.id },
    });
    expectProblem(res, 400, "invalid_request", /config\.worker_host: 'rack-9'/);
  });

  it("the default pool needs no registration", async () => {
    expect((await runOn("warp")).status).toBe(200);
    expectProblem(await register("warp"), 400, "invalid_request", /default pool/);
  });

  it("names that would share a queue with another name are refused", async () => {
    for (const host of ["gpu box", "gpu/box", "-x", "x".repeat(64), "été"]) {
      expectProblem(await register(host), 400, "invalid_request", /^body\.host/);
    }
  });

  it("only team admins register or remove hosts; members and agents get 403", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    const bot = await agentKey(server.database.db, server.team.teamId, server.team.defaultAgentId);
    for (const key of [member.apiKey, bot]) {
      expectProblem(await register("edge-2", key), 403, "not_authorized");
      expectProblem(await call(server, "DELETE", "/worker-hosts/gpu-box", { key }), 403, "not_authorized");
      expect((await call(server, "GET", "/worker-hosts", { key })).status).toBe(200);
    }
  });

  it("removing a host refuses new runs naming it", async () => {
    const removed = await call(server, "DELETE", "/worker-hosts/gpu-box", { key: acme });
    expect(removed.status).toBe(204);
    expectProblem(await runOn("gpu-box"), 400, "invalid_request");
    expectProblem(await call(server, "DELETE", "/worker-hosts/gpu-box", { key: acme }), 404, "resource_not_found");
  });
});
