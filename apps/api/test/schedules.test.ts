import OzAPI, { BadRequestError, NotFoundError, PermissionDeniedError } from "oz-agent-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createAgent, createEnvironment, createMember } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

/**
 * Scheduled agents through the official SDK from npm, plus raw HTTP for what only the
 * latest SDK sends (agent_uid, metadata, mode, skill-only schedules).
 */
let server: TestServer;
let client: OzAPI;
beforeAll(async () => {
  server = await startTestServer();
  client = new OzAPI({ apiKey: server.team.apiKey, baseURL: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());

describe("scheduled agents through the official SDK", () => {
  it("creates, retrieves, lists by name, replaces, pauses, resumes and deletes a schedule", async () => {
    const environmentId = await createEnvironment(server.database.db, server.team.teamId, "nightly-env");
    const created = await client.agent.schedules.create({
      name: "nightly triage",
      cron_schedule: "0 9 * * 1-5",
      prompt: "Triage yesterday's issues",
      agent_config: { environment_id: environmentId, model_id: "claude-sonnet-4" },
    });
    expect(created).toMatchObject({
      name: "nightly triage",
      cron_schedule: "0 9 * * 1-5",
      enabled: true,
      prompt: "Triage yesterday's issues",
      agent_config: { environment_id: environmentId, model_id: "claude-sonnet-4" },
      environment: { name: "nightly-env", docker_image: "debian:bookworm" },
      created_by: { uid: server.team.userId, type: "user" },
      last_spawn_error: null,
      scope: { type: "Team", uid: server.team.teamId },
    });
    expect(created.id).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(created.history?.last_ran).toBeNull();
    // The next weekday 09:00 UTC.
    const next = new Date(created.history!.next_run!);
    expect(next.getUTCHours()).toBe(9);
    expect(next.getUTCMinutes()).toBe(0);
    expect([1, 2, 3, 4, 5]).toContain(next.getUTCDay());
    expect(next.getTime()).toBeGreaterThan(Date.now());

    expect(await client.agent.schedules.retrieve(created.id)).toEqual(created);

    await client.agent.schedules.create({ name: "Alpha report", cron_schedule: "*/15 * * * *", prompt: "report" });
    await client.agent.schedules.create({ name: "zebra sync", cron_schedule: "0 0 1 * *", prompt: "sync" });
    const names = (await client.agent.schedules.list()).schedules.map((s) => s.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(["Alpha report", "nightly triage", "zebra sync"]));

    const replaced = await client.agent.schedules.update(created.id, {
      name: "hourly triage",
      cron_schedule: "0 * * * *",
      enabled: true,
      prompt: "Triage the last hour",
    });
    // PUT without agent_config keeps it (contract D7); next_run follows the new expression.
    expect(replaced).toMatchObject({
      name: "hourly triage",
      cron_schedule: "0 * * * *",
      prompt: "Triage the last hour",
    });
    expect(replaced.agent_config).toEqual(created.agent_config);
    expect(new Date(replaced.history!.next_run!).getUTCMinutes()).toBe(0);
    expect(new Date(replaced.history!.next_run!).getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);

    const paused = await client.agent.schedules.pause(created.id);
    expect(paused.enabled).toBe(false);
    expect(paused.history?.next_run).toBeNull();
    expect((await client.agent.schedules.pause(created.id)).enabled).toBe(false); // idempotent
    const resumed = await client.agent.schedules.resume(created.id);
    expect(resumed.enabled).toBe(true);
    expect(resumed.history?.next_run).not.toBeNull();

    expect(await client.agent.schedules.delete(created.id)).toEqual({ success: true });
    await expect(client.agent.schedules.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.agent.schedules.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses an invalid cron expression with a 400 naming cron_schedule", async () => {
    for (const cron of ["* * * *", "0 0 * * * *", "61 * * * *", "@daily", "every day"]) {
      const err = await client.agent.schedules
        .create({ name: "bad", cron_schedule: cron, prompt: "x" })
        .catch((e: unknown) => e);
      expect(err, cron).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).error).toMatchObject({ status: 400 });
      expect(JSON.stringify((err as BadRequestError).error)).toContain("cron_schedule");
    }
  });
});

describe("scheduled agents over raw HTTP", () => {
  it("keeps agent_uid, metadata and mode, and PUT clears what it leaves out", async () => {
    const agent = await createAgent(server.database.db, server.team.teamId);
    const key = server.team.apiKey;
    const created = await call(server, "POST", "/agent/schedules", {
      key,
      body: {
        name: "planner",
        cron_schedule: "30 6 * * *",
        prompt: "Plan the day",
        agent_uid: agent.id,
        metadata: { team: "web", ticket_id: "VIS-1" },
        mode: "plan",
        enabled: false,
      },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      agent_uid: agent.id,
      metadata: { team: "web", ticket_id: "VIS-1" },
      mode: "plan",
      enabled: false,
      history: { last_ran: null, next_run: null },
    });

    const put = await call(server, "PUT", `/agent/schedules/${created.json.id}`, {
      key,
      body: { name: "planner", cron_schedule: "30 6 * * *", enabled: true, prompt: "Plan the day" },
    });
    expect(put.status).toBe(200);
    expect(put.json.agent_uid).toBeUndefined();
    expect(put.json.metadata).toBeUndefined();
    expect(put.json.mode).toBe("normal");
  });

  it("takes a skill-only schedule, and refuses one without prompt or skill", async () => {
    const key = server.team.apiKey;
    const skillOnly = await call(server, "POST", "/agent/schedules", {
      key,
      body: {
        name: "skill",
        cron_schedule: "0 0 * * *",
        agent_config: { skill_spec: "acme/web:.claude/skills/x/SKILL.md" },
      },
    });
    expect(skillOnly.status).toBe(200);
    expect(skillOnly.json.prompt).toBe("");
    const neither = await call(server, "POST", "/agent/schedules", {
      key,
      body: { name: "nothing", cron_schedule: "0 0 * * *" },
    });
    expectProblem(neither, 400, "invalid_request", /prompt is required/);
  });

  it("names the field of every invalid member", async () => {
    const key = server.team.apiKey;
    const badCron = await call(server, "POST", "/agent/schedules", {
      key,
      body: { name: "x", cron_schedule: "0 25 * * *", prompt: "x" },
    });
    expectProblem(badCron, 400, "invalid_request", /^body\.cron_schedule: /);
    const badMetadata = await call(server, "POST", "/agent/schedules", {
      key,
      body: { name: "x", cron_schedule: "0 1 * * *", prompt: "x", metadata: { "bad key": "v" } },
    });
    expectProblem(badMetadata, 400, "invalid_request", /metadata/);
    const putWithoutEnabled = await call(server, "PUT", "/agent/schedules/whatever", {
      key,
      body: { name: "x", cron_schedule: "0 1 * * *", prompt: "x" },
    });
    expectProblem(putWithoutEnabled, 400, "invalid_request", /enabled/);
    const personalWithAgent = await call(server, "POST", "/agent/schedules", {
      key,
      body: { name: "x", cron_schedule: "0 1 * * *", prompt: "x", team: false, agent_uid: "abc" },
    });
    expectProblem(personalWithAgent, 400, "invalid_request", /agent_uid/);
    const unknownAgent = await call(server, "POST", "/agent/schedules", {
      key,
      body: { name: "x", cron_schedule: "0 1 * * *", prompt: "x", agent_uid: "NoSuchAgent00000000000" },
    });
    expectProblem(unknownAgent, 404, "resource_not_found", /NoSuchAgent/);
  });

  it("accepts pause and resume with an empty JSON body, as the Python SDK sends them", async () => {
    const key = server.team.apiKey;
    const created = await call(server, "POST", "/agent/schedules", {
      key,
      body: { name: "py", cron_schedule: "0 1 * * *", prompt: "x" },
    });
    const headers = { "content-type": "application/json" };
    const paused = await call(server, "POST", `/agent/schedules/${created.json.id}/pause`, {
      key,
      headers,
      rawBody: "",
    });
    expect(paused.status).toBe(200);
    expect(paused.json.enabled).toBe(false);
  });
});

describe("who may see and change schedules", () => {
  it("hides another team's schedules (404 for every method) and lists only the caller's", async () => {
    const mine = await client.agent.schedules.create({ name: "mine", cron_schedule: "0 2 * * *", prompt: "x" });
    const other = new OzAPI({ apiKey: server.otherTeam.apiKey, baseURL: server.baseUrl, maxRetries: 0 });
    await expect(other.agent.schedules.retrieve(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      other.agent.schedules.update(mine.id, { name: "x", cron_schedule: "0 2 * * *", enabled: false, prompt: "x" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.agent.schedules.pause(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.agent.schedules.resume(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.agent.schedules.delete(mine.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await other.agent.schedules.list()).schedules.map((s) => s.id)).not.toContain(mine.id);
    expect((await client.agent.schedules.retrieve(mine.id)).enabled).toBe(true);
  });

  it("keeps a personal schedule to its owner; teammates see team schedules", async () => {
    const teammate = await createMember(server.database.db, server.team.teamId);
    const mate = new OzAPI({ apiKey: teammate.apiKey, baseURL: server.baseUrl, maxRetries: 0 });
    const personal = await client.agent.schedules.create({
      name: "personal",
      cron_schedule: "0 3 * * *",
      prompt: "x",
      team: false,
    });
    expect(personal.scope).toEqual({ type: "User", uid: server.team.userId });
    const shared = await client.agent.schedules.create({ name: "shared", cron_schedule: "0 3 * * *", prompt: "x" });
    await expect(mate.agent.schedules.retrieve(personal.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await mate.agent.schedules.retrieve(shared.id)).id).toBe(shared.id);
    const ids = (await mate.agent.schedules.list()).schedules.map((s) => s.id);
    expect(ids).toContain(shared.id);
    expect(ids).not.toContain(personal.id);
  });

  it("lets an agent key read schedules but not write them (403)", async () => {
    const agent = await createAgent(server.database.db, server.team.teamId);
    const bot = new OzAPI({
      apiKey: await agentKey(server.database.db, server.team.teamId, agent.id),
      baseURL: server.baseUrl,
      maxRetries: 0,
    });
    const schedule = await client.agent.schedules.create({
      name: "bot-visible",
      cron_schedule: "0 4 * * *",
      prompt: "x",
    });
    expect((await bot.agent.schedules.retrieve(schedule.id)).id).toBe(schedule.id);
    expect((await bot.agent.schedules.list()).schedules.map((s) => s.id)).toContain(schedule.id);
    await expect(
      bot.agent.schedules.create({ name: "by bot", cron_schedule: "0 4 * * *", prompt: "x" }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      bot.agent.schedules.update(schedule.id, { name: "x", cron_schedule: "0 4 * * *", enabled: true, prompt: "x" }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(bot.agent.schedules.pause(schedule.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(bot.agent.schedules.resume(schedule.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(bot.agent.schedules.delete(schedule.id)).rejects.toBeInstanceOf(PermissionDeniedError);
    expect((await client.agent.schedules.retrieve(schedule.id)).enabled).toBe(true);
  });
});
