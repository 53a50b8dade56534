import { describe, expect, it } from "vitest";
import { EMPTY_NEW_RUN, newRunProblem, runParamsOf } from "./new-run.ts";

describe("the new-run form", () => {
  it("sends a quick run with only the prompt, so every default applies", () => {
    expect(runParamsOf({ ...EMPTY_NEW_RUN, prompt: "  Fix the build  " })).toEqual({ prompt: "Fix the build" });
  });

  it("runs as a cloud agent in an environment with the command harness", () => {
    const params = runParamsOf({
      ...EMPTY_NEW_RUN,
      prompt: "nightly",
      title: "Nightly",
      agentUid: "A1",
      environmentId: "E1",
      configName: "nightly",
      harness: "command",
      command: "echo hello",
    });
    expect(params).toEqual({
      prompt: "nightly",
      title: "Nightly",
      agent_identity_uid: "A1",
      config: { name: "nightly", environment_id: "E1", harness: { type: "command", command: "echo hello" } },
    });
  });

  it("puts the model where each harness reads it", () => {
    expect(runParamsOf({ ...EMPTY_NEW_RUN, prompt: "p", modelId: "gpt-x" }).config).toEqual({ model_id: "gpt-x" });
    expect(runParamsOf({ ...EMPTY_NEW_RUN, prompt: "p", harness: "claude", modelId: "claude-haiku" }).config).toEqual({
      harness: { type: "claude", model_id: "claude-haiku" },
    });
  });

  it("says what is missing", () => {
    expect(newRunProblem(EMPTY_NEW_RUN)).toMatch(/prompt/);
    expect(newRunProblem({ ...EMPTY_NEW_RUN, prompt: "p", harness: "command" })).toMatch(/command/);
    expect(newRunProblem({ ...EMPTY_NEW_RUN, prompt: "p" })).toBeNull();
  });
});
