import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "@oz/db";
import { insertRunRow } from "@oz/testing";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, seedTeam, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  admin = server.team.apiKey;
});
afterAll(() => server.close());

const createEnv = (body: Record<string, unknown>, key = admin) =>
  call(server, "POST", "/agent/environments", { key, body });
const listEnvs = (query = "", key = admin) => call(server, "GET", `/agent/environments${query}`, { key });

describe("creating an environment", () => {
  it("returns a CloudEnvironment with its config, editors and team scope", async () => {
    const res = await createEnv({
      name: "web",
      description: "the web app",
      docker_image: "node:24-bookworm",
      github_repos: [{ owner: "acme", repo: "web" }],
      setup_commands: ["pnpm install", "pnpm build"],
    });
    expect(res.status, res.text).toBe(200);
    const adminProfile = {
      uid: server.team.userId,
      type: "user",
      display_name: expect.any(String),
      email: expect.stringContaining("@example.com"),
    };
    expect(res.json).toEqual({
      uid: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      config: {
        name: "web",
        description: "the web app",
        docker_image: "node:24-bookworm",
        github_repos: [{ owner: "acme", repo: "web" }],
        setup_commands: ["pnpm install", "pnpm build"],
        network: "bridge",
        resources: {},
        secrets: [],
      },
      last_updated: expect.any(String),
      setup_failed: false,
      creator: adminProfile,
      last_editor: adminProfile,
      scope: { type: "Team", uid: server.team.teamId },
    });
    expect(new Date(res.json.last_updated).toISOString()).toBe(res.json.last_updated);
    const fetched = await call(server, "GET", `/agent/environments/${res.json.uid}`, { key: admin });
    expect(fetched.json).toEqual(res.json);
  });

  it("keeps our sandbox settings: network, resources, secrets, failure retention", async () => {
    const res = await createEnv({
      name: "locked",
      docker_image: "debian:bookworm",
      network: "none",
      resources: { cpus: 1.5, memory_mb: 2048, pids_limit: 256 },
      secrets: ["GH_TOKEN", "NPM_TOKEN"],
      failure_session_retention_minutes: 15,
    });
    expect(res.json.config).toMatchObject({
      network: "none",
      resources: { cpus: 1.5, memory_mb: 2048, pids_limit: 256 },
      secrets: ["GH_TOKEN", "NPM_TOKEN"],
      failure_session_retention_minutes: 15,
    });
  });

  it("refuses invalid definitions with a problem naming the field", async () => {
    const ok = await createEnv({ name: "d240", docker_image: "debian", description: "x".repeat(240) });
    expect(ok.status).toBe(200);
    expectProblem(
      await createEnv({ name: "d241", docker_image: "debian", description: "x".repeat(241) }),
      400,
      "invalid_request",
      /body\.description: description may be at most 240 characters/,
    );
    expectProblem(await createEnv({ name: "no image" }), 400, "invalid_request", /body\.docker_image/);
    expectProblem(await createEnv({ docker_image: "debian" }), 400, "invalid_request", /body\.name/);
    expectProblem(
      await createEnv({ name: "x", docker_image: "debian", secrets: ["not-a-var"] }),
      400,
      "invalid_request",
      /body\.secrets\.0/,
    );
    expectProblem(
      await createEnv({ name: "x", docker_image: "debian", github_repos: [{ owner: "acme" }] }),
      400,
      "invalid_request",
      /body\.github_repos\.0\.repo/,
    );
    expectProblem(
      await createEnv({ name: "x", docker_image: "debian", failure_session_retention_minutes: 61 }),
      400,
      "invalid_request",
      /failure_session_retention_minutes/,
    );
  });

  it("is refused to a cloud agent's key (403), which may still list them", async () => {
    const agent = await call(server, "POST", "/agent/identities", { key: admin, body: { name: "Env maker" } });
    const key = (
      await call(server, "POST", "/api-keys", { key: admin, body: { name: "k", agent_uid: agent.json.uid } })
    ).json.key;
    const res = await createEnv({ name: "by agent", docker_image: "debian" }, key);
    expectProblem(res, 403, "not_authorized", /cloud agents cannot create, change or delete environments/);
    expect((await listEnvs("", key)).status).toBe(200);
  });
});

describe("listing environments", () => {
  it("sorts by name, or by last update (the default), newest first", async () => {
    const key = (await seedTeam(server, "sorting")).apiKey;
    const b = await createEnv({ name: "bravo", docker_image: "debian" }, key);
    const a = await createEnv({ name: "alpha", docker_image: "debian" }, key);
    const c = await createEnv({ name: "charlie", docker_image: "debian" }, key);

    const byName = await listEnvs("?sort_by=name", key);
    expect(byName.json.environments.map((e: { config: { name: string } }) => e.config.name)).toEqual([
      "alpha",
      "bravo",
      "charlie",
    ]);
    const byUpdate = await listEnvs("", key);
    expect(byUpdate.json.environments.map((e: { uid: string }) => e.uid)).toEqual([c.json.uid, a.json.uid, b.json.uid]);

    await call(server, "PUT", `/agent/environments/${b.json.uid}`, { key, body: { setup_commands: ["make"] } });
    const afterEdit = await listEnvs("?sort_by=last_updated", key);
    expect(afterEdit.json.environments[0].uid).toBe(b.json.uid);

    expectProblem(await listEnvs("?sort_by=size", key), 400, "invalid_request", /querystring\.sort_by/);
  });

  it("reports the last task created and the last task run from the run history", async () => {
    const env = (await createEnv({ name: "busy", docker_image: "debian" })).json;
    const idle = (await createEnv({ name: "idle", docker_image: "debian" })).json;
    const member = await addTeamMember(server, server.team.teamId, "member");
    const { db } = server.database;
    const run = (title: string, createdAt: string, extra: Partial<Prisma.RunUncheckedCreateInput> = {}) =>
      insertRunRow(db, server.team.teamId, {
        title,
        prompt: title,
        creatorId: server.team.userId,
        executorId: server.team.userId,
        environmentId: env.uid,
        createdAt: new Date(createdAt),
        updatedAt: new Date(createdAt),
        ...extra,
      });
    await run("first", "2026-01-01T10:00:00.000Z", {
      state: "SUCCEEDED",
      startedAt: new Date("2026-01-01T10:00:05.000Z"),
    });
    const latest = await run("second", "2026-01-02T10:00:00.000Z");
    // A member's personal run is theirs alone: it must not surface in someone else's listing.
    await run("private", "2026-01-03T10:00:00.000Z", { ownerUserId: member.userId });

    const res = await listEnvs();
    const busy = res.json.environments.find((e: { uid: string }) => e.uid === env.uid);
    expect(busy.last_task_created).toEqual({
      id: latest,
      title: "second",
      state: "QUEUED",
      created_at: "2026-01-02T10:00:00.000Z",
      updated_at: "2026-01-02T10:00:00.000Z",
      started_at: null,
    });
    expect(busy.last_task_run_timestamp).toBe("2026-01-01T10:00:05.000Z");
    const quiet = res.json.environments.find((e: { uid: string }) => e.uid === idle.uid);
    expect(quiet).not.toHaveProperty("last_task_created");
    expect(quiet).not.toHaveProperty("last_task_run_timestamp");

    const asMember = await call(server, "GET", `/agent/environments/${env.uid}`, { key: member.apiKey });
    expect(asMember.json.last_task_created.title).toBe("private");
  });
});

describe("updating an environment", () => {
  it("changes only what is sent; PUT and PATCH are the same partial update", async () => {
    const env = (
      await createEnv({
        name: "api",
        description: "service",
        docker_image: "node:22",
        setup_commands: ["npm ci"],
        resources: { cpus: 2 },
      })
    ).json;
    const put = await call(server, "PUT", `/agent/environments/${env.uid}`, {
      key: admin,
      body: { docker_image: "node:24", description: null },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json.config).toMatchObject({
      name: "api",
      description: "service",
      docker_image: "node:24",
      setup_commands: ["npm ci"],
      resources: { cpus: 2 },
    });
    expect(Date.parse(put.json.last_updated)).toBeGreaterThanOrEqual(Date.parse(env.last_updated));

    const patch = await call(server, "PATCH", `/agent/environments/${env.uid}`, {
      key: admin,
      body: { description: "", setup_commands: ["npm ci", "npm test"], resources: { memory_mb: 512 } },
    });
    expect(patch.status).toBe(200);
    expect(patch.json.config).not.toHaveProperty("description");
    expect(patch.json.config).toMatchObject({ setup_commands: ["npm ci", "npm test"], resources: { memory_mb: 512 } });
    expect(patch.json.config.resources).not.toHaveProperty("cpus");
  });

  it("records who edited it last", async () => {
    const env = (await createEnv({ name: "shared", docker_image: "debian" })).json;
    const member = await addTeamMember(server, server.team.teamId, "member");
    const res = await call(server, "PUT", `/agent/environments/${env.uid}`, {
      key: member.apiKey,
      body: { name: "shared-2" },
    });
    expect(res.json.creator.uid).toBe(server.team.userId);
    expect(res.json.last_editor).toMatchObject({ uid: member.userId, type: "user", email: member.email });
  });

  it("validates like creation and answers 404 for an unknown environment", async () => {
    const env = (await createEnv({ name: "v", docker_image: "debian" })).json;
    expectProblem(
      await call(server, "PUT", `/agent/environments/${env.uid}`, {
        key: admin,
        body: { description: "y".repeat(241) },
      }),
      400,
      "invalid_request",
      /body\.description/,
    );
    expectProblem(
      await call(server, "PUT", `/agent/environments/${env.uid}`, { key: admin, body: { name: "" } }),
      400,
      "invalid_request",
      /body\.name/,
    );
    expectProblem(
      await call(server, "PUT", "/agent/environments/AAAAAAAAAAAAAAAAAAAAAA", { key: admin, body: { name: "x" } }),
      404,
      "resource_not_found",
      /environment AAAAAAAAAAAAAAAAAAAAAA not found/,
    );
  });
});

describe("deleting an environment", () => {
  it("answers {success: true}; the environment is gone but agents pointing at it are left alone", async () => {
    const env = (await createEnv({ name: "old", docker_image: "debian" })).json;
    const agent = (
      await call(server, "POST", "/agent/identities", {
        key: admin,
        body: { name: "Uses old", environment_id: env.uid },
      })
    ).json;

    const res = await call(server, "DELETE", `/agent/environments/${env.uid}`, { key: admin });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });

    expectProblem(
      await call(server, "GET", `/agent/environments/${env.uid}`, { key: admin }),
      404,
      "resource_not_found",
    );
    expectProblem(
      await call(server, "PATCH", `/agent/environments/${env.uid}`, { key: admin, body: { name: "x" } }),
      404,
      "resource_not_found",
    );
    expectProblem(
      await call(server, "DELETE", `/agent/environments/${env.uid}`, { key: admin }),
      404,
      "resource_not_found",
    );
    expect((await listEnvs()).json.environments.map((e: { uid: string }) => e.uid)).not.toContain(env.uid);

    const stillPointing = await call(server, "GET", `/agent/identities/${agent.uid}`, { key: admin });
    expect(stillPointing.json.environment_id).toBe(env.uid);
    // …but a deleted environment cannot be chosen anew.
    expectProblem(
      await call(server, "PUT", `/agent/identities/${agent.uid}`, { key: admin, body: { environment_id: env.uid } }),
      400,
      "invalid_request",
      /environment_id/,
    );
  });
});
