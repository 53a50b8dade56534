import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createAgent, createEnvironment, createMember, moveRunTo, startRun } from "./support/run-fixtures.ts";
import { call, seedTeam, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  // Many tests here add cloud agents to one team; the agent limit has its own test on its own team.
  server = await startTestServer({ agentLimit: 100 });
});
afterAll(() => server.close());

const create = (body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
  call(server, "POST", "/agent/runs", { key: options.key ?? server.team.apiKey, body, headers: options.headers });
const get = (runId: string, key = server.team.apiKey) => call(server, "GET", `/agent/runs/${runId}`, { key });

const PIXEL = Buffer.from("png-bytes").toString("base64");

describe("creating a run", () => {
  it("queues the run and answers its ID twice (run_id and the deprecated task_id)", async () => {
    const res = await create({ prompt: "Fix the login bug" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ run_id: expect.any(String), task_id: res.json.run_id, state: "QUEUED" });
    expect(res.json.run_id).toMatch(/^[0-9a-f-]{36}$/);

    const run = (await get(res.json.run_id)).json;
    expect(run).toMatchObject({
      run_id: res.json.run_id,
      state: "QUEUED",
      prompt: "Fix the login bug",
      title: "Fix the login bug",
      source: "API",
      scope: { type: "Team", uid: server.team.teamId },
      creator: { type: "user", uid: server.team.userId },
      executor: { type: "user", uid: server.team.userId },
      agent_config: { computer_use_enabled: true, harness: { type: "oz" }, credential_strategy: "EXECUTOR" },
    });
    expect(run.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves older clients on the singular alias POST /agent/run", async () => {
    const res = await call(server, "POST", "/agent/run", { key: server.team.apiKey, body: { prompt: "alias" } });
    expect(res.status).toBe(200);
    expect(res.json.state).toBe("QUEUED");
    expect((await get(res.json.run_id)).json.prompt).toBe("alias");
  });

  it("records the resolved configuration, and the columns the list filters use", async () => {
    await call(server, "POST", "/worker-hosts", { key: server.team.apiKey, body: { host: "gpu-box-1" } });
    const runId = await startRun(server, {
      prompt: "deploy",
      config: { name: "nightly", model_id: "gpt-x", worker_host: "  gpu-box-1  ", idle_timeout_minutes: 30 },
    });
    const row = await server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row).toMatchObject({ configName: "nightly", modelId: "gpt-x", workerHost: "gpu-box-1", skillSpec: null });
    expect(row.agentConfig).toMatchObject({ name: "nightly", worker_host: "gpu-box-1", idle_timeout_minutes: 30 });
  });

  it("treats an all-blank worker_host as none", async () => {
    const runId = await startRun(server, { prompt: "x", config: { worker_host: "   " } });
    expect((await get(runId)).json.agent_config.worker_host).toBeUndefined();
  });

  it("rejects a body that is not JSON, and names a wrongly typed field", async () => {
    const notJson = await call(server, "POST", "/agent/runs", {
      key: server.team.apiKey,
      rawBody: "{nope",
      headers: { "content-type": "application/json" },
    });
    expectProblem(notJson, 400, "invalid_request");
    const badMode = expectProblem(await create({ prompt: "x", mode: "turbo" }), 400, "invalid_request");
    expect(badMode.detail).toContain("mode");
  });

  it("needs credentials", async () => {
    expectProblem(await call(server, "POST", "/agent/runs", { body: { prompt: "x" } }), 401, "authentication_required");
  });
});

describe("prompt and skill rules", () => {
  it("refuses a run with neither prompt nor skill", async () => {
    const problem = expectProblem(await create({}), 400, "invalid_request");
    expect(problem.detail).toBe("prompt is required unless a skill is specified");
    expectProblem(await create({ prompt: "   " }), 400, "invalid_request");
  });

  it("accepts a skill-only run, titled and named after the skill", async () => {
    const runId = await startRun(server, { skill: "acme/ops:.claude/skills/deploy/SKILL.md" });
    const run = (await get(runId)).json;
    expect(run.title).toBe("deploy");
    expect(run.prompt).toBe("");
    expect(run.agent_config).toMatchObject({ name: "deploy", skill_spec: "acme/ops:.claude/skills/deploy/SKILL.md" });
  });

  it("lets `skill` win over config.skill_spec", async () => {
    const runId = await startRun(server, {
      prompt: "go",
      skill: "acme/a:first",
      config: { skill_spec: "acme/b:second" },
    });
    expect((await get(runId)).json.agent_config.skill_spec).toBe("acme/a:first");
  });

  it("reports the first of config.skills as the skill_spec", async () => {
    const runId = await startRun(server, { config: { skills: ["acme/a:one", "acme/a:two"] } });
    const config = (await get(runId)).json.agent_config;
    expect(config).toMatchObject({ skill_spec: "acme/a:one", skills: ["acme/a:one", "acme/a:two"], name: "one" });
  });

  it("refuses config.skill_spec together with config.skills", async () => {
    const problem = expectProblem(
      await create({ prompt: "x", config: { skill_spec: "a/b:c", skills: ["a/b:d"] } }),
      400,
      "invalid_request",
    );
    expect(problem.detail).toContain("mutually exclusive");
  });

  it("lets a handoff (conversation_id) go without a prompt, keeping the conversation", async () => {
    const conversationId = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    const runId = await startRun(server, { conversation_id: conversationId });
    expect((await get(runId)).json.conversation_id).toBe(conversationId);
  });

  it("keeps a given name over the skill's", async () => {
    const runId = await startRun(server, { skill: "acme/a:deploy", config: { name: "release-train" } });
    expect((await get(runId)).json.agent_config.name).toBe("release-train");
  });
});

describe("titles", () => {
  it("uses the prompt's first non-empty line, cut to about 80 characters", async () => {
    const long = `${"word ".repeat(40)}end`;
    const runId = await startRun(server, { prompt: `\n\n  ${long}\nsecond line` });
    const title: string = (await get(runId)).json.title;
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title.endsWith("…")).toBe(true);
    expect(title.startsWith("word word")).toBe(true);
  });

  it("keeps a title the caller gives", async () => {
    const runId = await startRun(server, { prompt: "anything", title: "My title" });
    expect((await get(runId)).json.title).toBe("My title");
  });
});

describe("attachments", () => {
  it("accepts α8 images as attachments with generated file names", async () => {
    const runId = await startRun(server, {
      prompt: "look",
      images: [
        { data: PIXEL, mime_type: "image/png" },
        { data: PIXEL, mime_type: "image/jpeg" },
      ],
    });
    const row = await server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row.attachments).toEqual([
      { data: PIXEL, mime_type: "image/png", file_name: "image-1.png" },
      { data: PIXEL, mime_type: "image/jpeg", file_name: "image-2.jpg" },
    ]);
  });

  it("allows at most 5 files, attachments and images counted together", async () => {
    const file = { data: PIXEL, file_name: "a.txt", mime_type: "text/plain" };
    expectProblem(await create({ prompt: "x", attachments: Array(6).fill(file) }), 400, "invalid_request");
    const mixed = expectProblem(
      await create({
        prompt: "x",
        attachments: Array(3).fill(file),
        images: Array(3).fill({ data: PIXEL, mime_type: "image/png" }),
      }),
      400,
      "invalid_request",
    );
    expect(mixed.detail).toContain("at most 5");
    expect((await create({ prompt: "x", attachments: Array(5).fill(file) })).status).toBe(200);
  });

  it("refuses attachments that are not base64", async () => {
    expectProblem(
      await create({ prompt: "x", attachments: [{ data: "not base64!", file_name: "a", mime_type: "text/plain" }] }),
      400,
      "invalid_request",
    );
  });
});

describe("metadata", () => {
  it("is stored and shown", async () => {
    const runId = await startRun(server, { prompt: "x", metadata: { ticket_id: "VIS-238", "team.area": "auth" } });
    expect((await get(runId)).json.metadata).toEqual({ ticket_id: "VIS-238", "team.area": "auth" });
  });

  it("refuses more than 20 keys, long or odd keys, and NUL in values", async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"]));
    expectProblem(await create({ prompt: "x", metadata: many }), 400, "invalid_request");
    expectProblem(await create({ prompt: "x", metadata: { ["k".repeat(65)]: "v" } }), 400, "invalid_request");
    expectProblem(await create({ prompt: "x", metadata: { "bad key": "v" } }), 400, "invalid_request");
    expectProblem(await create({ prompt: "x", metadata: { k: "a\u0000b" } }), 400, "invalid_request");
    expectProblem(await create({ prompt: "x", metadata: { k: "é".repeat(129) } }), 400, "invalid_request");
  });
});

describe("configuration validation", () => {
  it("keeps idle_timeout_minutes within 0–60", async () => {
    const problem = expectProblem(
      await create({ prompt: "x", config: { idle_timeout_minutes: 61 } }),
      400,
      "invalid_request",
    );
    expect(problem.detail).toContain("idle_timeout_minutes");
    expectProblem(await create({ prompt: "x", config: { idle_timeout_minutes: -1 } }), 400, "invalid_request");
    expect((await create({ prompt: "x", config: { idle_timeout_minutes: 0 } })).status).toBe(200);
  });

  it("needs exactly one transport per MCP server", async () => {
    expectProblem(await create({ prompt: "x", config: { mcp_servers: { gh: {} } } }), 400, "invalid_request");
    expectProblem(
      await create({ prompt: "x", config: { mcp_servers: { gh: { url: "https://x", command: "npx" } } } }),
      400,
      "invalid_request",
    );
  });

  it("defaults computer use to on, and keeps an explicit off", async () => {
    const runId = await startRun(server, { prompt: "x", config: { computer_use_enabled: false } });
    expect((await get(runId)).json.agent_config.computer_use_enabled).toBe(false);
  });

  it("maps an older client's harness.auth_secret_name to the harness's secret", async () => {
    const runId = await startRun(server, {
      prompt: "x",
      config: { harness: { type: "claude", auth_secret_name: "anthropic" } },
    });
    const config = (await get(runId)).json.agent_config;
    expect(config.harness).toEqual({ type: "claude" });
    expect(config.harness_auth_secrets).toEqual({ claude_auth_secret_name: "anthropic" });
  });
});

describe("environments", () => {
  it("records an environment of the caller's team", async () => {
    const environmentId = await createEnvironment(server.database.db, server.team.teamId);
    const runId = await startRun(server, { prompt: "x", config: { environment_id: environmentId } });
    expect((await get(runId)).json.agent_config.environment_id).toBe(environmentId);
    const row = await server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row.environmentId).toBe(environmentId);
  });

  it("answers 404 naming an unknown environment, or another team's", async () => {
    const unknown = expectProblem(
      await create({ prompt: "x", config: { environment_id: "SVhg783GBFQHk1OfdPfFU9" } }),
      404,
      "resource_not_found",
    );
    expect(unknown.detail).toContain("SVhg783GBFQHk1OfdPfFU9");
    const theirs = await createEnvironment(server.database.db, server.otherTeam.teamId);
    expectProblem(await create({ prompt: "x", config: { environment_id: theirs } }), 404, "resource_not_found");
  });
});

describe("executing as a cloud agent", () => {
  it("runs as the agent named by agent_identity_uid, with the agent's defaults", async () => {
    const { db } = server.database;
    const environmentId = await createEnvironment(db, server.team.teamId, "agent-env");
    await call(server, "POST", "/worker-hosts", { key: server.team.apiKey, body: { host: "rack-7" } });
    const agent = await createAgent(db, server.team.teamId, {
      name: "ci-bot",
      baseModel: "claude-sonnet-4",
      environmentId,
      workerHost: "rack-7",
      prompt: "Be terse.",
    });
    const runId = await startRun(server, { prompt: "x", agent_identity_uid: agent.id });
    const run = (await get(runId)).json;
    expect(run.creator).toMatchObject({ type: "user", uid: server.team.userId });
    expect(run.executor).toEqual({ type: "service_account", uid: agent.id, display_name: "ci-bot" });
    expect(run.agent_config).toMatchObject({
      model_id: "claude-sonnet-4",
      environment_id: environmentId,
      worker_host: "rack-7",
      base_prompt: "Be terse.",
    });

    const overridden = await startRun(server, {
      prompt: "x",
      agent_identity_uid: agent.id,
      config: { model_id: "gpt-5" },
    });
    expect((await get(overridden)).json.agent_config.model_id).toBe("gpt-5");
  });

  it("answers 404 for an unknown agent, and for another team's", async () => {
    expectProblem(
      await create({ prompt: "x", agent_identity_uid: "nosuchagent00000000000" }),
      404,
      "resource_not_found",
    );
    expectProblem(
      await create({ prompt: "x", agent_identity_uid: server.otherTeam.defaultAgentId }),
      404,
      "resource_not_found",
    );
  });

  it("only allows an agent on team-owned runs", async () => {
    const problem = expectProblem(
      await create({ prompt: "x", team: false, agent_identity_uid: server.team.defaultAgentId }),
      400,
      "invalid_request",
    );
    expect(problem.detail).toContain("agent_identity_uid");
  });

  it("refuses an agent beyond the team's agent limit with 403 feature_not_available", async () => {
    const small = await seedTeam(server, "small-plan");
    const { db } = server.database;
    await db.team.update({ where: { id: small.teamId }, data: { agentLimit: 1 } });
    const within = await createAgent(db, small.teamId, { createdAt: new Date(Date.now() - 1000) });
    const beyond = await createAgent(db, small.teamId);
    const key = small.apiKey;
    expect((await create({ prompt: "x", agent_identity_uid: within.id }, { key })).status).toBe(200);
    expectProblem(await create({ prompt: "x", agent_identity_uid: beyond.id }, { key }), 403, "feature_not_available");
    // An agent over the limit cannot start runs with its own key either.
    const beyondKey = await agentKey(db, small.teamId, beyond.id);
    expectProblem(await create({ prompt: "x" }, { key: beyondKey }), 403, "feature_not_available");
  });

  it("makes an agent key's runs run as, and be created by, its agent", async () => {
    const { db } = server.database;
    const agent = await createAgent(db, server.team.teamId, { name: "key-bot" });
    const key = await agentKey(db, server.team.teamId, agent.id);
    const runId = await startRun(server, { prompt: "x" }, key);
    const run = (await get(runId)).json;
    expect(run.creator).toEqual({ type: "service_account", uid: agent.id, display_name: "key-bot" });
    expect(run.executor).toEqual({ type: "service_account", uid: agent.id, display_name: "key-bot" });
    expect(run.scope).toEqual({ type: "Team", uid: server.team.teamId });
    expectProblem(await create({ prompt: "x", team: false }, { key }), 400, "invalid_request");
  });
});

describe("on_behalf_of", () => {
  it("attributes the run to a team member when the agent is allowed to", async () => {
    const { db } = server.database;
    const agent = await createAgent(db, server.team.teamId, { onBehalfOfEnabled: true });
    const key = await agentKey(db, server.team.teamId, agent.id);
    const member = await createMember(db, server.team.teamId, "Grace");

    const byEmail = await startRun(server, { prompt: "x", on_behalf_of: member.email }, key);
    const run = (await get(byEmail)).json;
    expect(run.creator).toEqual({ type: "user", uid: member.userId, display_name: "Grace", email: member.email });
    expect(run.executor).toMatchObject({ type: "service_account", uid: agent.id });

    const byUid = await startRun(server, { prompt: "x", on_behalf_of: member.userId }, key);
    expect((await get(byUid)).json.creator.uid).toBe(member.userId);
  });

  it("is refused (403) for personal keys and for agents without on_behalf_of_enabled", async () => {
    const { db } = server.database;
    const agent = await createAgent(db, server.team.teamId);
    const key = await agentKey(db, server.team.teamId, agent.id);
    expectProblem(await create({ prompt: "x", on_behalf_of: server.team.userId }, { key }), 403, "not_authorized");
    expectProblem(await create({ prompt: "x", on_behalf_of: server.team.userId }), 403, "not_authorized");
  });

  it("must name a member of the team (400)", async () => {
    const { db } = server.database;
    const agent = await createAgent(db, server.team.teamId, { onBehalfOfEnabled: true });
    const key = await agentKey(db, server.team.teamId, agent.id);
    expectProblem(
      await create({ prompt: "x", on_behalf_of: server.otherTeam.userId }, { key }),
      400,
      "invalid_request",
    );
    expectProblem(await create({ prompt: "x", on_behalf_of: "nobody@example.com" }, { key }), 400, "invalid_request");
  });

  it("reports a request's problems in a fixed order, however the lookups race", async () => {
    const { db } = server.database;
    const agent = await createAgent(db, server.team.teamId, { onBehalfOfEnabled: true });
    const key = await agentKey(db, server.team.teamId, agent.id);
    const body = { prompt: "x", agent_identity_uid: "nosuchagent00000000000", on_behalf_of: "nobody@example.com" };
    for (let i = 0; i < 5; i++) expectProblem(await create(body, { key }), 404, "resource_not_found");
  });
});

describe("orchestration parents", () => {
  it("links a child to a visible parent and inherits its metadata, the child's keys winning", async () => {
    const parent = await startRun(server, { prompt: "parent", metadata: { ticket_id: "A-1", area: "auth" } });
    const child = await startRun(server, { prompt: "child", parent_run_id: parent, metadata: { area: "billing" } });
    const run = (await get(child)).json;
    expect(run.parent_run_id).toBe(parent);
    expect(run.metadata).toEqual({ ticket_id: "A-1", area: "billing" });
  });

  it("refuses (400) a parent that does not exist or that the caller cannot see", async () => {
    expectProblem(
      await create({ prompt: "x", parent_run_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7" }),
      400,
      "invalid_request",
    );
    const theirs = await startRun(server, { prompt: "theirs" }, server.otherTeam.apiKey);
    const problem = expectProblem(await create({ prompt: "x", parent_run_id: theirs }), 400, "invalid_request");
    expect(problem.detail).toContain("parent_run_id");
  });

  it("refuses (400) a child deeper than the maximum orchestration depth (5 here)", async () => {
    let parent = await startRun(server, { prompt: "root" });
    for (let depth = 1; depth <= 5; depth++)
      parent = await startRun(server, { prompt: `depth ${depth}`, parent_run_id: parent });
    const problem = expectProblem(await create({ prompt: "too deep", parent_run_id: parent }), 400, "invalid_request");
    expect(problem.detail).toContain("depth");
  });
});

describe("scope and source", () => {
  it("makes a personal run with team: false", async () => {
    const runId = await startRun(server, { prompt: "mine", team: false });
    expect((await get(runId)).json.scope).toEqual({ type: "User", uid: server.team.userId });
  });

  it("takes the source from x-oz-source when our CLI or web app says so", async () => {
    const res = await create({ prompt: "x" }, { headers: { "x-oz-source": "CLI" } });
    expect((await get(res.json.run_id)).json.source).toBe("CLI");
    const problem = expectProblem(
      await create({ prompt: "x" }, { headers: { "x-oz-source": "TELEGRAPH" } }),
      400,
      "invalid_request",
    );
    expect(problem.detail).toContain("x-oz-source");
  });
});

describe("Idempotency-Key", () => {
  it("returns the same run for the same key instead of creating another", async () => {
    const headers = { "idempotency-key": "deploy-2026-04-01" };
    const first = await create({ prompt: "once" }, { headers });
    await moveRunTo(server.database.db, first.json.run_id, "PENDING");
    const second = await create({ prompt: "once" }, { headers });
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ run_id: first.json.run_id, task_id: first.json.run_id, state: "PENDING" });
    const count = await server.database.db.run.count({ where: { idempotencyKey: "deploy-2026-04-01" } });
    expect(count).toBe(1);
  });

  it("scopes keys to a team", async () => {
    const headers = { "idempotency-key": "shared-key" };
    const ours = await create({ prompt: "x" }, { headers });
    const theirs = await create({ prompt: "x" }, { headers, key: server.otherTeam.apiKey });
    expect(theirs.status).toBe(200);
    expect(theirs.json.run_id).not.toBe(ours.json.run_id);
  });

  it("gives concurrent retries with one key one run", async () => {
    const headers = { "idempotency-key": "burst" };
    const answers = await Promise.all(Array.from({ length: 8 }, () => create({ prompt: "burst" }, { headers })));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.json.run_id)).size).toBe(1);
  });
});
