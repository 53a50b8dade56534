import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { startGitDaemon, type GitDaemon } from "@oz/testing";
import { startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let git: GitDaemon;
let webEnv: string;
let opsEnv: string;

const DEPLOY = "---\nname: deploy\ndescription: Ships the service to production\n---\n# Deploy\nRun `make deploy`.\n";

beforeAll(async () => {
  // Repositories without a `url` would be read from here: nothing may leave the machine.
  // The git daemon listens on loopback, which an operator has to allow-list (as for an internal git server).
  server = await startTestServer({ githubUrl: "http://127.0.0.1:1", allowedCidrs: ["127.0.0.1/32"] });
  git = await startGitDaemon("127.0.0.1");
  await git.commit("tools", {
    ".claude/skills/deploy/SKILL.md": DEPLOY,
    ".agents/skills/lint/SKILL.md": "Run the linter and fix what it reports.\n",
    "skills/broken/SKILL.md": "---\nname: [broken\n---\nbody\n",
    "docs/notes/SKILL.md": "Not in a skills folder.\n",
    "README.md": "tools\n",
  });
  await git.commit("ops", {
    "skills/deploy/SKILL.md": "---\ndescription: Deploys the ops stack\n---\nUse terraform apply.\n",
  });
  webEnv = await createEnvironment("web", [{ owner: "acme", repo: "tools", url: git.url("tools") }]);
  opsEnv = await createEnvironment("ops", [
    { owner: "acme", repo: "tools", url: git.url("tools") },
    { owner: "acme", repo: "ops", url: git.url("ops") },
  ]);
});
afterAll(async () => {
  await server.close();
  await git.close();
});

async function createEnvironment(name: string, repos: object[]) {
  const res = await call(server, "POST", "/agent/environments", {
    key: server.team.apiKey,
    body: { name, docker_image: "debian:bookworm", github_repos: repos },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.uid as string;
}

const listSkills = (query = "", key: string | null = server.team.apiKey) =>
  call(server, "GET", `/agent${query}`, { key });

describe("listing skills (GET /agent)", () => {
  it("finds the SKILL.md files of the environments' repositories, grouped by name", async () => {
    const res = await listSkills();

    expect(res.status, res.text).toBe(200);
    expect(res.json.agents.map((a: { name: string }) => a.name)).toEqual(["deploy", "lint"]);
    const [deploy, lint] = res.json.agents;
    expect(deploy.variants).toEqual([
      {
        id: "acme/ops:skills/deploy/SKILL.md",
        base_prompt: "Use terraform apply.",
        description: "Deploys the ops stack",
        environments: [{ uid: opsEnv, name: "ops" }],
        source: { owner: "acme", name: "ops", skill_path: "skills/deploy/SKILL.md" },
        last_run_timestamp: null,
      },
      {
        id: "acme/tools:.claude/skills/deploy/SKILL.md",
        base_prompt: "# Deploy\nRun `make deploy`.",
        description: "Ships the service to production",
        environments: [
          { uid: webEnv, name: "web" },
          { uid: opsEnv, name: "ops" },
        ],
        source: { owner: "acme", name: "tools", skill_path: ".claude/skills/deploy/SKILL.md" },
        last_run_timestamp: null,
      },
    ]);
    expect(lint.variants).toMatchObject([
      {
        id: "acme/tools:.agents/skills/lint/SKILL.md",
        description: "",
        base_prompt: expect.stringContaining("linter"),
      },
    ]);
  });

  it("shows malformed skills, with what is wrong, only when asked", async () => {
    const res = await listSkills("?include_malformed_skills=true");

    expect(res.json.agents.map((a: { name: string }) => a.name)).toEqual(["broken", "deploy", "lint"]);
    expect(res.json.agents[0].variants).toMatchObject([
      { id: "acme/tools:skills/broken/SKILL.md", error: expect.stringContaining("not valid YAML") },
    ]);
    expect((await listSkills("?include_malformed_skills=false")).json.agents).toHaveLength(2);
  });

  it("narrows to one repository with repo=owner/repo", async () => {
    const res = await listSkills("?repo=acme/ops");
    expect(res.json.agents).toMatchObject([{ name: "deploy", variants: [{ id: "acme/ops:skills/deploy/SKILL.md" }] }]);
    expect((await listSkills("?repo=acme/elsewhere")).json).toEqual({ agents: [] });
  });

  it("sorts by the latest run that used a skill file with sort_by=last_run", async () => {
    const runId = await startRun(server, { prompt: "lint it", skill: "acme/tools:lint" });
    // What the worker records when it loads the skill.
    await server.database.db.run.update({
      where: { id: runId },
      data: { agentSkill: { full_path: "acme/tools:.agents/skills/lint/SKILL.md", name: "lint" } },
    });

    const res = await listSkills("?sort_by=last_run");

    expect(res.json.agents.map((a: { name: string }) => a.name)).toEqual(["lint", "deploy"]);
    expect(Date.parse(res.json.agents[0].variants[0].last_run_timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.json.agents[1].variants[0].last_run_timestamp).toBeNull();
    // Another team's callers do not see the run, nor the skills of environments they do not have.
    expect((await listSkills("?sort_by=last_run", server.otherTeam.apiKey)).json).toEqual({ agents: [] });
  });

  it("answers from its cache until refresh=true reads the repositories again", async () => {
    await git.commit("ops", { "skills/rollback/SKILL.md": "Roll back the last deploy.\n" });

    expect((await listSkills("?repo=acme/ops")).json.agents.map((a: { name: string }) => a.name)).toEqual(["deploy"]);
    const refreshed = await listSkills("?repo=acme/ops&refresh=true");
    expect(refreshed.json.agents.map((a: { name: string }) => a.name)).toEqual(["deploy", "rollback"]);
  });

  it("leaves out a repository it cannot read and lists the others", async () => {
    await createEnvironment("gone", [{ owner: "acme", repo: "gone", url: git.url("does-not-exist") }]);
    // The API reads repositories over the network only, never from its own disk.
    await git.commit("local", { "skills/local-secret/SKILL.md": "Read from the API's disk.\n" });
    await createEnvironment("on disk", [{ owner: "acme", repo: "local", url: `file://${git.dir("local")}` }]);
    const res = await listSkills("?refresh=true");
    expect(res.status).toBe(200);
    expect(res.json.agents.map((a: { name: string }) => a.name)).toEqual(["deploy", "lint", "rollback"]);
  });

  it("refuses a malformed repo, sort_by or boolean", async () => {
    expectProblem(await listSkills("?repo=acme"), 400, "invalid_request", /repo/);
    expectProblem(await listSkills("?sort_by=popularity"), 400, "invalid_request", /sort_by/);
    expectProblem(await listSkills("?refresh=yes"), 400, "invalid_request", /refresh/);
  });

  it("needs credentials", async () => {
    expectProblem(await listSkills("", null), 401, "authentication_required");
  });
});
