import { loadModelCatalogue } from "@oz/llm";
import { startFakeLlm, startGitDaemon, type FakeLlm, type GitDaemon } from "@oz/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  createEnvironment,
  createRun,
  DEBIAN_IMAGE,
  startTestPlatform,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

const RELEASE_NOTES = [
  "---",
  "name: release-notes",
  "description: Writes the release notes of the latest tag",
  "---",
  "# Release notes",
  "Write the release notes as a pirate would. (marker: SKILL-BODY-7f3a)",
  "",
].join("\n");

let platform: TestPlatform;
let fake: FakeLlm;
let git: GitDaemon;
let environmentId: string;
beforeAll(async () => {
  fake = await startFakeLlm();
  git = await startGitDaemon(); // on the Docker bridge: the sandbox clones from it
  await git.commit("agent-skills", { ".agents/skills/release-notes/SKILL.md": RELEASE_NOTES, "README.md": "skills\n" });
  platform = await startTestPlatform(
    {},
    {
      models: loadModelCatalogue({
        OZ_MODELS: JSON.stringify([{ id: "fake", provider: "openai", base_url: fake.openaiBaseUrl }]),
        OZ_DEFAULT_MODEL: "fake",
      }),
    },
  );
  environmentId = await createEnvironment(platform, {
    name: "with skills",
    docker_image: DEBIAN_IMAGE,
    github_repos: [{ owner: "acme", repo: "agent-skills", url: git.url("agent-skills") }],
  });
});
afterAll(async () => {
  await platform.close();
  await fake.close();
  await git.close();
});
beforeEach(() => fake.whenExhausted({ status: 500, errorMessage: "fake-llm: script exhausted" }));

describe("a skill run", () => {
  it("gives the agent the SKILL.md from the environment's repo as its instructions, and records the skill", async () => {
    fake.script({ toolCalls: [{ name: "finish", arguments: { summary: "Arr, the notes be written." } }] });
    const requestsBefore = fake.requests.length;

    const runId = await createRun(platform, {
      skill: "acme/agent-skills:release-notes",
      config: { environment_id: environmentId },
    });
    const run = await waitForState(platform, runId, undefined, 60_000);

    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    expect(run.title).toBe("release-notes");
    expect(run.agent_config?.name).toBe("release-notes");
    expect(run.agent_skill).toEqual({
      full_path: "acme/agent-skills:.agents/skills/release-notes/SKILL.md",
      name: "release-notes",
      description: "Writes the release notes of the latest tag",
    });
    const request = fake.requests[requestsBefore]!;
    const system = (request.body.messages as { role: string; content: string }[])[0]!;
    expect(system.role).toBe("system");
    expect(system.content).toContain("Write the release notes as a pirate would. (marker: SKILL-BODY-7f3a)");
    expect(system.content).not.toContain("description: Writes"); // the front matter is not an instruction

    const listed = await call(platform.server, "GET", "/agent?sort_by=last_run", { key: platform.key });
    expect(listed.status).toBe(200);
    expect(listed.json.agents).toMatchObject([
      {
        name: "release-notes",
        variants: [
          {
            id: "acme/agent-skills:.agents/skills/release-notes/SKILL.md",
            description: "Writes the release notes of the latest tag",
            environments: [{ uid: environmentId, name: "with skills" }],
            last_run_timestamp: expect.any(String),
          },
        ],
      },
    ]);
  });

  it("resolves the short repo: form against the environment's repositories", async () => {
    const runId = await createRun(platform, {
      prompt: "use the skill",
      skill: "agent-skills:.agents/skills/release-notes/SKILL.md",
      config: { environment_id: environmentId, harness: { type: "command", command: "true" } },
    });
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    expect(run.agent_skill?.full_path).toBe("acme/agent-skills:.agents/skills/release-notes/SKILL.md");
  });

  it("fails resource_not_found, naming the skill, when the repo has no such skill", async () => {
    const runId = await createRun(platform, {
      skill: "acme/agent-skills:changelog",
      config: { environment_id: environmentId },
    });
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state).toBe("FAILED");
    expect(run.status_message).toMatchObject({ error_code: "resource_not_found", retryable: false });
    expect(run.status_message?.message).toContain('Skill "acme/agent-skills:changelog" not found');
    expect(run.status_message?.message).toContain(".agents/skills/changelog/SKILL.md");
    expect(run.agent_skill).toBeUndefined();
  });

  it("fails resource_not_found when the skill's repository is not in the environment", async () => {
    const runId = await createRun(platform, {
      skill: "acme/elsewhere:release-notes",
      config: { environment_id: environmentId, harness: { type: "command", command: "true" } },
    });
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state).toBe("FAILED");
    expect(run.status_message).toMatchObject({ error_code: "resource_not_found" });
    expect(run.status_message?.message).toContain("acme/elsewhere");
  });
});
