import { startGitDaemon, type GitDaemon } from "@oz/testing";
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

let platform: TestPlatform;
let git: GitDaemon;
let repoUrl: string;

beforeAll(async () => {
  // Listens on the Docker bridge's gateway only, where sandboxes reach the host.
  git = await startGitDaemon();
  await git.commit("demo", { "README.md": "# demo repo\n" }, { message: "first commit" });
  await git.commit(
    "demo",
    { "FEATURE.txt": "only on the feature branch\n" },
    { branch: "feature", message: "feature commit" },
  );
  repoUrl = git.url("demo");
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
  await git?.close();
});

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
