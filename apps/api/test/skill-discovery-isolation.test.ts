import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitDaemon, type GitDaemon } from "@oz/testing";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let git: GitDaemon;

beforeAll(async () => {
  // The daemon's loopback address is allow-listed, as an operator allows an internal git server.
  server = await startTestServer({ githubUrl: "http://127.0.0.1:1", allowedCidrs: ["127.0.0.1/32"] });
  git = await startGitDaemon("127.0.0.1");
});
afterAll(async () => {
  await server.close();
  await git.close();
});

async function environmentWithRepo(apiKey: string, url: string) {
  const res = await call(server, "POST", "/agent/environments", {
    key: apiKey,
    body: {
      name: `env-${Date.now()}`,
      docker_image: "debian:bookworm",
      github_repos: [{ owner: "o", repo: "r", url }],
    },
  });
  expect(res.status, res.text).toBe(200);
}

const skillNames = async (apiKey: string) => {
  const res = await call(server, "GET", "/agent", { key: apiKey });
  expect(res.status, res.text).toBe(200);
  return (res.json.agents as { name: string }[]).map((agent) => agent.name);
};

describe("skill discovery across teams", () => {
  it("caches a repository per team: another team naming the same URL gets its own read", async () => {
    await git.commit("shared", { "skills/first/SKILL.md": "First.\n" });
    await environmentWithRepo(server.team.apiKey, git.url("shared"));
    expect(await skillNames(server.team.apiKey)).toEqual(["first"]);

    await git.commit("shared", { "skills/second/SKILL.md": "Second.\n" });
    await environmentWithRepo(server.otherTeam.apiKey, git.url("shared"));
    // The other team's first look reads the repository itself, rather than the first team's cached copy...
    expect(await skillNames(server.otherTeam.apiKey)).toEqual(["first", "second"]);
    // ...while the first team is still served its own cache.
    expect(await skillNames(server.team.apiKey)).toEqual(["first"]);
  });
});

describe("skill discovery's reach", () => {
  let listener: Server;
  let connections = 0;
  let port: number;
  beforeAll(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.2", resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(() => listener.close());

  it("never connects to private, loopback or link-local addresses that are not allow-listed", async () => {
    const team = server.otherTeam.apiKey;
    await environmentWithRepo(team, `git://127.0.0.2:${port}/x.git`);
    await environmentWithRepo(team, `http://127.0.0.2:${port}/x.git`);
    await environmentWithRepo(team, "http://169.254.169.254/latest/meta-data.git");
    await environmentWithRepo(team, "ssh://git@127.0.0.1/x.git");
    // The list is still answered (unreadable repositories are left out), and nothing reached the listener.
    const res = await call(server, "GET", "/agent?refresh=true", { key: team });
    expect(res.status, res.text).toBe(200);
    expect(connections).toBe(0);
  });
});
