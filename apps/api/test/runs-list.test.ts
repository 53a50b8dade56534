import { RunsPage } from "@oz/contract";
import { newUuid } from "@oz/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { createAgent, createEnvironment, createMember, agentKey, moveRunTo, startRun } from "./support/run-fixtures.ts";
import { call, seedTeam, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Team = Awaited<ReturnType<typeof seedTeam>>;

/** GET /agent/runs with a raw query string, exactly as a client would put it on the wire. */
const list = (query: string, key: string) => call(server, "GET", `/agent/runs${query ? `?${query}` : ""}`, { key });
const idsOf = (res: { json: { runs: { run_id: string }[] } }) => res.json.runs.map((r) => r.run_id);

/** Follows next_cursor with the same query until the last page; checks the page envelope on the way. */
async function walk(query: string, key: string) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await list([query, cursor && `cursor=${encodeURIComponent(cursor)}`].filter(Boolean).join("&"), key);
    expect(res.status, res.text).toBe(200);
    ids.push(...idsOf(res));
    const info = res.json.page_info;
    if (!info.has_next_page) {
      expect(info.next_cursor).toBeUndefined();
      return ids;
    }
    expect(res.json.runs.length).toBeGreaterThan(0);
    expect(info.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    cursor = info.next_cursor;
  }
  throw new Error("pagination did not end");
}

describe("query-string encoding", () => {
  let team: Team;
  const runs: Record<string, string> = {};
  beforeAll(async () => {
    team = await seedTeam(server, "encoding");
    const key = team.apiKey;
    runs.queued = await startRun(server, { prompt: "queued", metadata: { k: "v", area: "auth" } }, key);
    runs.failed = await startRun(server, { prompt: "failed", metadata: { k: "v" } }, key);
    runs.done = await startRun(server, { prompt: "done", metadata: { k: "other", area: "auth" } }, key);
    await moveRunTo(server.database.db, runs.failed, "FAILED");
    await moveRunTo(server.database.db, runs.done, "SUCCEEDED");
  });

  it("ORs repeated state parameters", async () => {
    const res = await list("state=QUEUED&state=FAILED", team.apiKey);
    expect(idsOf(res).sort()).toEqual([runs.queued, runs.failed].sort());
    expect(idsOf(await list("state=SUCCEEDED", team.apiKey))).toEqual([runs.done]);
  });

  it("ANDs percent-encoded metadata[key]=value pairs", async () => {
    expect(idsOf(await list("metadata%5Bk%5D=v", team.apiKey)).sort()).toEqual([runs.queued, runs.failed].sort());
    expect(idsOf(await list("metadata%5Bk%5D=v&metadata%5Barea%5D=auth", team.apiKey))).toEqual([runs.queued]);
  });

  it("allows at most 5 metadata pairs", async () => {
    const six = Array.from({ length: 6 }, (_, i) => `metadata%5Bk${i}%5D=v`).join("&");
    const problem = expectProblem(await list(six, team.apiKey), 400, "invalid_request");
    expect(problem.detail).toContain("metadata");
  });

  it("ignores parameters with an empty value and unknown parameters", async () => {
    const res = await list("creator=&state=&shiny=1", team.apiKey);
    expect(res.status).toBe(200);
    expect(res.json.runs).toHaveLength(3);
  });

  it("refuses bad enum values, timestamps, limits and cursors with a problem naming the field", async () => {
    const cases: [string, string][] = [
      ["state=RUNNING", "state"],
      ["source=FAX", "source"],
      ["sort_by=size", "sort_by"],
      ["sort_order=up", "sort_order"],
      ["artifact_type=VIDEO", "artifact_type"],
      ["created_after=yesterday", "created_after"],
      ["updated_after=2026-13-01T00:00:00Z", "updated_after"],
      ["limit=abc", "limit"],
      ["limit=1.5", "limit"],
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["cursor=garbage!!", "cursor"],
      [`cursor=${Buffer.from('{"v":1}').toString("base64url")}`, "cursor"],
    ];
    for (const [query, field] of cases) {
      const problem = expectProblem(await list(query, team.apiKey), 400, "invalid_request");
      expect(problem.detail, query).toContain(field);
    }
  });

  it("accepts any RFC 3339 timestamp: fractional seconds and numeric offsets", async () => {
    for (const ts of ["2020-01-01T00:00:00Z", "2020-01-01T00:00:00.123456+00:00", "2020-01-01T09:00:00+09:00"]) {
      const res = await list(`created_after=${encodeURIComponent(ts)}`, team.apiKey);
      expect(res.status, ts).toBe(200);
      expect(res.json.runs).toHaveLength(3);
    }
  });
});

describe("filters", () => {
  let team: Team;
  let key: string;
  const ids: Record<string, string> = {};
  let environmentId: string;
  let agentId: string;
  let factoryAgentId: string;
  let member: Awaited<ReturnType<typeof createMember>>;

  beforeAll(async () => {
    const { db } = server.database;
    team = await seedTeam(server, "filters");
    key = team.apiKey;
    environmentId = await createEnvironment(db, team.teamId);
    agentId = (await createAgent(db, team.teamId, { name: "worker-bee" })).id;
    factoryAgentId = (await createAgent(db, team.teamId, { factoryUid: "factory-1" })).id;
    member = await createMember(db, team.teamId, "Linus");

    ids.plain = await startRun(server, { prompt: "Fix the login form" }, key);
    ids.envRun = await startRun(server, { prompt: "in env", config: { environment_id: environmentId } }, key);
    ids.named = await startRun(server, { prompt: "named", config: { name: "nightly", model_id: "gpt-x" } }, key);
    ids.skilled = await startRun(server, { skill: "acme/ops:.claude/skills/deploy/SKILL.md" }, key);
    ids.byAgent = await startRun(server, { prompt: "agent", agent_identity_uid: agentId }, key);
    ids.byFactory = await startRun(server, { prompt: "factory", agent_identity_uid: factoryAgentId }, key);
    ids.byMember = await startRun(server, { prompt: "member" }, member.apiKey);
    ids.automated = await startRun(server, { prompt: "automation", metadata: { automation_id: "auto-9" } }, key);
    ids.cli = await startRun(server, { prompt: "from cli 100% sure" }, key);
    await db.run.update({ where: { id: ids.cli }, data: { source: "CLI", executionLocation: "LOCAL" } });
    ids.scheduled = await startRun(server, { prompt: "scheduled" }, key);
    await db.run.update({ where: { id: ids.scheduled }, data: { source: "SCHEDULED_AGENT", scheduleId: "sched-1" } });
    ids.withPlan = await startRun(server, { prompt: "planned" }, key);
    await db.artifact.create({
      data: { id: newUuid(), runId: ids.withPlan, teamId: team.teamId, type: "PLAN", data: { document_uid: "doc-1" } },
    });
  });

  const only = async (query: string) => idsOf(await list(query, key)).sort();

  it("sends pages that are exactly the contract's RunsPage, however varied the runs", async () => {
    // The list route skips response validation for speed (routes.ts); this holds it to the schema instead.
    const res = await list("limit=100", key);
    expect(res.json.runs).toHaveLength(Object.keys(ids).length);
    expect(RunsPage.parse(res.json)).toEqual(res.json);
  });

  it("source, execution_location and schedule_id", async () => {
    expect(await only("source=CLI")).toEqual([ids.cli]);
    expect(await only("execution_location=LOCAL")).toEqual([ids.cli]);
    expect(await only("source=SCHEDULED_AGENT&schedule_id=sched-1")).toEqual([ids.scheduled]);
    expect(await only("schedule_id=other")).toEqual([]);
  });

  it("creator and executor, by UID or principal string", async () => {
    expect(await only(`creator=${member.userId}`)).toEqual([ids.byMember]);
    expect(await only(`creator=user:${member.userId}`)).toEqual([ids.byMember]);
    expect(await only(`executor=${agentId}`)).toEqual([ids.byAgent]);
    expect(await only(`executor=service_account:${agentId}`)).toEqual([ids.byAgent]);
  });

  it("environment_id, and empty-environment for runs without one", async () => {
    expect(await only(`environment_id=${environmentId}`)).toEqual([ids.envRun]);
    const withoutEnvironment = await only("environment_id=empty-environment");
    expect(withoutEnvironment).not.toContain(ids.envRun);
    expect(withoutEnvironment).toHaveLength(Object.keys(ids).length - 1);
  });

  it("name (and its config_name alias) and model_id", async () => {
    expect(await only("name=nightly")).toEqual([ids.named]);
    expect(await only("config_name=nightly")).toEqual([ids.named]);
    expect(await only("name=nightly&config_name=nightly")).toEqual([ids.named]);
    expectProblem(await list("name=nightly&config_name=daily", key), 400, "invalid_request");
    expect(await only("model_id=gpt-x")).toEqual([ids.named]);
    expect(await only("name=deploy")).toEqual([ids.skilled]);
  });

  it("skill_spec and its skill alias; both differing is a 400", async () => {
    const spec = encodeURIComponent("acme/ops:.claude/skills/deploy/SKILL.md");
    expect(await only(`skill_spec=${spec}`)).toEqual([ids.skilled]);
    expect(await only(`skill=${spec}`)).toEqual([ids.skilled]);
    const problem = expectProblem(await list(`skill_spec=${spec}&skill=other`, key), 400, "invalid_request");
    expect(problem.detail).toContain("skill");
  });

  it("artifact_type matches runs having such an artifact", async () => {
    expect(await only("artifact_type=PLAN")).toEqual([ids.withPlan]);
    expect(await only("artifact_type=PULL_REQUEST")).toEqual([]);
  });

  it("automation_id and factory_uid", async () => {
    expect(await only("automation_id=auto-9")).toEqual([ids.automated]);
    expect(await only("factory_uid=factory-1")).toEqual([ids.byFactory]);
    expect(await only("factory_uid=someone-elses-factory")).toEqual([]);
  });

  it("q searches titles, prompts and skill specs, case-insensitively and literally", async () => {
    expect(await only("q=LOGIN")).toEqual([ids.plain]);
    expect(await only("q=claude%2Fskills")).toEqual([ids.skilled]);
    expect(await only("q=100%25")).toEqual([ids.cli]);
    expect(await only("q=%25")).toEqual([ids.cli]);
    expect(await only("q=no%20such%20words")).toEqual([]);
  });

  it("created_after, created_before and updated_after are strict", async () => {
    const { db } = server.database;
    const at = new Date("2030-01-01T00:00:00.000Z");
    await db.run.update({ where: { id: ids.plain }, data: { createdAt: at, updatedAt: at } });
    expect(await only("created_after=2030-01-01T00:00:00Z")).toEqual([]);
    expect(await only("created_after=2029-12-31T23:59:59.999Z")).toEqual([ids.plain]);
    expect(await only("updated_after=2029-12-31T23:59:59Z")).toEqual([ids.plain]);
    expect(await only("created_before=2030-01-01T00:00:00Z")).not.toContain(ids.plain);
    expect(await only("created_before=2030-01-01T00:00:00.001Z&created_after=2029-01-01T00:00:00Z")).toEqual([
      ids.plain,
    ]);
  });

  it("ancestor_run_id finds descendants at any depth, and must name a visible run", async () => {
    const root = await startRun(server, { prompt: "root" }, key);
    const child = await startRun(server, { prompt: "child", parent_run_id: root }, key);
    const grandchild = await startRun(server, { prompt: "grandchild", parent_run_id: child }, key);
    expect(await only(`ancestor_run_id=${root}`)).toEqual([child, grandchild].sort());
    expect(await only(`ancestor_run_id=${grandchild}`)).toEqual([]);
    expectProblem(await list(`ancestor_run_id=${newUuid()}`, key), 404, "resource_not_found");
    expectProblem(await list("ancestor_run_id=not-a-uuid", key), 404, "resource_not_found");
    const theirs = await startRun(server, { prompt: "theirs" }, server.otherTeam.apiKey);
    expectProblem(await list(`ancestor_run_id=${theirs}`, key), 404, "resource_not_found");
  });
});

describe("sorting and cursor pagination", () => {
  let team: Team;
  let key: string;
  interface Seeded {
    id: string;
    title: string;
    skill: string | null;
    createdAt: Date;
    updatedAt: Date;
    state: string;
  }
  const seeded: Seeded[] = [];
  const N = 23;

  beforeAll(async () => {
    const { db } = server.database;
    team = await seedTeam(server, "paging");
    key = team.apiKey;
    const base = Date.parse("2026-03-01T00:00:00.000Z");
    for (let i = 0; i < N; i++) {
      // Every third run shares its neighbour's timestamps, titles and skills, so ties cross page boundaries.
      const slot = i - (i % 3 === 2 ? 1 : 0);
      const skill = slot % 4 === 0 ? null : `acme/repo:skill-${String(slot % 5).padStart(2, "0")}`;
      const title = `title-${String((slot * 7) % N).padStart(2, "0")}`;
      const id = await startRun(server, skill ? { skill, title } : { prompt: "p", title }, key);
      const createdAt = new Date(base + slot * 60_000);
      const updatedAt = new Date(base + ((slot * 11) % N) * 60_000 + 5);
      await db.run.update({ where: { id }, data: { createdAt, updatedAt, state: i % 2 ? "FAILED" : "QUEUED" } });
      seeded.push({ id, title, skill, createdAt, updatedAt, state: i % 2 ? "FAILED" : "QUEUED" });
    }
  });

  const byKey = (keyOf: (s: Seeded) => string | number | null, order: "asc" | "desc") => (a: Seeded, b: Seeded) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    if (ka === null || kb === null) {
      if (ka !== kb) return ka === null ? 1 : -1; // without a key: last, both ways
    } else if (ka !== kb) {
      return (ka < kb ? -1 : 1) * (order === "asc" ? 1 : -1);
    }
    return (a.id < b.id ? -1 : 1) * (order === "asc" ? 1 : -1);
  };
  const keys: Record<"updated_at" | "created_at" | "title" | "agent", (s: Seeded) => string | number | null> = {
    updated_at: (s: Seeded) => s.updatedAt.getTime(),
    created_at: (s: Seeded) => s.createdAt.getTime(),
    title: (s: Seeded) => s.title,
    agent: (s: Seeded) => s.skill,
  };

  for (const sortBy of ["updated_at", "created_at", "title", "agent"] as const) {
    for (const order of ["desc", "asc"] as const) {
      it(`walks every run exactly once in ${sortBy} ${order} order, 4 at a time`, async () => {
        const expected = [...seeded].sort(byKey(keys[sortBy], order)).map((s) => s.id);
        const walked = await walk(`sort_by=${sortBy}&sort_order=${order}&limit=4`, key);
        expect(walked).toEqual(expected);
      });
    }
  }

  it("orders by updated_at, newest first, when no sort is given", async () => {
    const expected = [...seeded].sort(byKey(keys.updated_at, "desc")).map((s) => s.id);
    expect(await walk("limit=7", key)).toEqual(expected);
  });

  it("defaults to 20 per page and sends next_cursor only when there is a next page", async () => {
    const first = await list("", key);
    expect(first.json.runs).toHaveLength(20);
    expect(first.json.page_info).toEqual({ has_next_page: true, next_cursor: expect.any(String) });
    const all = await list("limit=100", key);
    expect(all.json.runs).toHaveLength(N);
    expect(all.json.page_info).toEqual({ has_next_page: false });
  });

  it("keeps the filters on every page", async () => {
    const expected = seeded
      .filter((s) => s.state === "FAILED")
      .sort(byKey(keys.created_at, "desc"))
      .map((s) => s.id);
    expect(await walk("state=FAILED&sort_by=created_at&limit=3", key)).toEqual(expected);
  });

  it("refuses a cursor sent with other filters or another sort, but not with another page size", async () => {
    const first = await list("state=FAILED&limit=2", key);
    const cursor = encodeURIComponent(first.json.page_info.next_cursor);
    const changedFilter = expectProblem(
      await list(`state=QUEUED&limit=2&cursor=${cursor}`, key),
      400,
      "invalid_request",
    );
    expect(changedFilter.detail).toContain("cursor");
    expectProblem(await list(`state=FAILED&sort_by=title&limit=2&cursor=${cursor}`, key), 400, "invalid_request");
    expectProblem(await list(`limit=2&cursor=${cursor}`, key), 400, "invalid_request");
    expect((await list(`state=FAILED&limit=5&cursor=${cursor}`, key)).status).toBe(200);
    // The same filters written differently are the same filters.
    const first2 = await list("state=FAILED&state=QUEUED&limit=2", key);
    const cursor2 = encodeURIComponent(first2.json.page_info.next_cursor);
    expect((await list(`state=QUEUED&state=FAILED&limit=2&cursor=${cursor2}`, key)).status).toBe(200);
  });
});

describe("visibility", () => {
  it("shows a team's runs and the caller's own personal runs, never another team's", async () => {
    const { db } = server.database;
    const team = await seedTeam(server, "visibility");
    const member = await createMember(db, team.teamId, "Ada");
    const teamRun = await startRun(server, { prompt: "team" }, team.apiKey);
    const adminPersonal = await startRun(server, { prompt: "admin's own", team: false }, team.apiKey);
    const memberPersonal = await startRun(server, { prompt: "ada's own", team: false }, member.apiKey);
    const foreign = await startRun(server, { prompt: "elsewhere" }, server.otherTeam.apiKey);

    expect(idsOf(await list("limit=100", team.apiKey)).sort()).toEqual([teamRun, adminPersonal].sort());
    expect(idsOf(await list("limit=100", member.apiKey)).sort()).toEqual([teamRun, memberPersonal].sort());
    expect(idsOf(await list("limit=100", server.otherTeam.apiKey))).not.toContain(teamRun);
    expect(idsOf(await list("limit=100", team.apiKey))).not.toContain(foreign);

    // A cloud agent of the team sees the team's runs, not anybody's personal ones.
    const bot = await createAgent(db, team.teamId);
    const botKey = await agentKey(db, team.teamId, bot.id);
    expect(idsOf(await list("limit=100", botKey))).toEqual([teamRun]);
  });

  it("lists full RunItems, the same as retrieving each", async () => {
    const team = await seedTeam(server, "items");
    const runId = await startRun(server, { prompt: "item", metadata: { a: "b" } }, team.apiKey);
    const listed = (await list("", team.apiKey)).json.runs[0];
    const retrieved = (await call(server, "GET", `/agent/runs/${runId}`, { key: team.apiKey })).json;
    expect(listed).toEqual(retrieved);
  });
});
