import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commandRun,
  createEnvironment,
  DEBIAN_IMAGE,
  outputOf,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

/** Sandboxes reach the host at the Docker bridge's gateway; the git daemon listens there only. */
const BRIDGE_GATEWAY = "172.17.0.1";

let platform: TestPlatform;
let root: string;
let daemon: ChildProcess;
let repoUrl: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "oz-git-"));
  const work = join(root, "work");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, stdio: "pipe" });
  execFileSync("git", ["init", "-q", "-b", "main", work]);
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "Test");
  await writeFile(join(work, "README.md"), "# demo repo\n");
  git("add", ".");
  git("commit", "-q", "-m", "first commit");
  git("checkout", "-q", "-b", "feature");
  await writeFile(join(work, "FEATURE.txt"), "only on the feature branch\n");
  git("add", ".");
  git("commit", "-q", "-m", "feature commit");
  execFileSync("git", ["clone", "-q", "--bare", work, join(root, "demo.git")]);

  const port = await freePort();
  daemon = spawn(
    "git",
    [
      "daemon",
      "--export-all",
      "--reuseaddr",
      `--base-path=${root}`,
      `--listen=${BRIDGE_GATEWAY}`,
      `--port=${port}`,
      root,
    ],
    {
      stdio: "ignore",
    },
  );
  repoUrl = `git://${BRIDGE_GATEWAY}:${port}/demo.git`;
  await new Promise((r) => setTimeout(r, 300));
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
  daemon?.kill();
  await rm(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("an environment's repositories", () => {
  it("are cloned at the configured branch; setup and the agent work in the checkout", async () => {
    const environmentId = await createEnvironment(platform, {
      docker_image: DEBIAN_IMAGE,
      github_repos: [{ owner: "local", repo: "demo", url: repoUrl, branch: "feature" }],
      setup_commands: ["test -f README.md && echo setup-in-checkout"],
    });
    const runId = await commandRun(platform, "pwd; cat FEATURE.txt; git log --format=%s -1", {
      environment_id: environmentId,
    });
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state, run.status_message?.message).toBe("SUCCEEDED");
    const events = await transcript(platform, runId);
    const output = outputOf(events);
    expect(output).toContain("setup-in-checkout");
    expect(output).toContain("/workspace/demo\nonly on the feature branch\nfeature commit\n");
    const steps = events
      .filter((e) => e.type === "setup_step" && e.payload.status === "succeeded")
      .map((e) => e.payload.name);
    expect(steps).toEqual([`clone ${repoUrl} (feature)`, "test -f README.md && echo setup-in-checkout"]);
  });

  it("a branch that does not exist fails the run at the clone step", async () => {
    const environmentId = await createEnvironment(platform, {
      docker_image: DEBIAN_IMAGE,
      github_repos: [{ owner: "local", repo: "demo", url: repoUrl, branch: "no-such-branch" }],
    });
    const run = await waitForState(
      platform,
      await commandRun(platform, "true", { environment_id: environmentId }),
      undefined,
      60_000,
    );
    expect(run.state).toBe("FAILED");
    expect(run.status_message?.error_code).toBe("environment_setup_failed");
    expect(run.status_message?.message).toContain(`step 1 (clone ${repoUrl} (no-such-branch))`);
  });

  it("cannot be reached from an environment with networking off", async () => {
    const environmentId = await createEnvironment(platform, {
      docker_image: DEBIAN_IMAGE,
      network: "none",
      github_repos: [{ owner: "local", repo: "demo", url: repoUrl }],
    });
    const run = await waitForState(
      platform,
      await commandRun(platform, "true", { environment_id: environmentId }),
      undefined,
      60_000,
    );
    expect(run.state).toBe("FAILED");
    expect(run.status_message?.error_code).toBe("environment_setup_failed");
  });
});
