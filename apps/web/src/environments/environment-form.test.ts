import type { CloudEnvironment } from "@oz/contract";
import { describe, expect, it } from "vitest";
import { EMPTY_ENVIRONMENT, environmentFormOf, environmentRequestOf, parseRepo } from "./environment-form.ts";

describe("the environment form", () => {
  it("reads repositories as owner/repo, with a branch, or as any git URL", () => {
    expect(parseRepo("acme/web")).toEqual({ owner: "acme", repo: "web" });
    expect(parseRepo("acme/web@release/1.2")).toEqual(null); // branch names with '/' need the URL form
    expect(parseRepo("acme/web@main")).toEqual({ owner: "acme", repo: "web", branch: "main" });
    expect(parseRepo("git://172.17.0.1/acme/tools.git@dev")).toEqual({
      owner: "acme",
      repo: "tools",
      url: "git://172.17.0.1/acme/tools.git",
      branch: "dev",
    });
    expect(parseRepo("not a repo")).toBeNull();
  });

  it("builds the request: one repository and setup command per line, limits as numbers, secret names", () => {
    const result = environmentRequestOf({
      ...EMPTY_ENVIRONMENT,
      name: " web ",
      dockerImage: "node:22",
      repos: "acme/web@main\n\n",
      setupCommands: "npm ci\n  npm test  \n",
      network: "none",
      cpus: "1.5",
      memoryMb: "2048",
      secrets: "NPM_TOKEN, GITHUB_TOKEN",
      warmPool: "2",
    });
    expect(result).toEqual({
      body: {
        name: "web",
        description: "",
        docker_image: "node:22",
        github_repos: [{ owner: "acme", repo: "web", branch: "main" }],
        setup_commands: ["npm ci", "npm test"],
        network: "none",
        resources: { cpus: 1.5, memory_mb: 2048 },
        secrets: ["NPM_TOKEN", "GITHUB_TOKEN"],
        warm_pool: { size: 2 },
      },
    });
  });

  it("says what to fix", () => {
    expect(environmentRequestOf(EMPTY_ENVIRONMENT)).toEqual({ problem: "Give the environment a name." });
    expect(environmentRequestOf({ ...EMPTY_ENVIRONMENT, name: "x" })).toMatchObject({
      problem: expect.stringMatching(/Docker image/),
    });
    expect(environmentRequestOf({ ...EMPTY_ENVIRONMENT, name: "x", dockerImage: "i", repos: "nope" })).toMatchObject({
      problem: expect.stringMatching(/Cannot read the repository "nope"/),
    });
    expect(environmentRequestOf({ ...EMPTY_ENVIRONMENT, name: "x", dockerImage: "i", memoryMb: "lots" })).toEqual({
      problem: "Memory (MB) must be a positive number.",
    });
    expect(environmentRequestOf({ ...EMPTY_ENVIRONMENT, name: "x", dockerImage: "i", warmPool: "1.5" })).toEqual({
      problem: "Warm sandboxes must be a whole number, 0 for none.",
    });
  });

  it("round-trips a stored environment through the form", () => {
    const stored = {
      uid: "E1",
      last_updated: "2026-01-01T00:00:00Z",
      setup_failed: false,
      config: {
        name: "web",
        description: "Front end",
        docker_image: "node:22",
        github_repos: [{ owner: "acme", repo: "web", branch: "main" }],
        setup_commands: ["npm ci"],
        network: "bridge",
        resources: { pids_limit: 256 },
        secrets: ["NPM_TOKEN"],
        warm_pool: { size: 3 },
      },
    } satisfies CloudEnvironment;
    const result = environmentRequestOf(environmentFormOf(stored));
    expect(result).toEqual({
      body: {
        name: "web",
        description: "Front end",
        docker_image: "node:22",
        github_repos: [{ owner: "acme", repo: "web", branch: "main" }],
        setup_commands: ["npm ci"],
        network: "bridge",
        resources: { pids_limit: 256 },
        secrets: ["NPM_TOKEN"],
        warm_pool: { size: 3 },
      },
    });
  });

  it("empties the pool when the warm sandboxes field is cleared", () => {
    const result = environmentRequestOf({ ...EMPTY_ENVIRONMENT, name: "x", dockerImage: "i", warmPool: " " });
    expect(result).toMatchObject({ body: { warm_pool: { size: 0 } } });
  });
});
