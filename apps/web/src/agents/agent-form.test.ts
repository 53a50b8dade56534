import { describe, expect, it } from "vitest";
import { agentProblem, agentRequestOf, EMPTY_AGENT } from "./agent-form.ts";

describe("the agent form", () => {
  it("leaves empty fields out when creating", () => {
    expect(agentRequestOf({ ...EMPTY_AGENT, name: " Nightly " }, false)).toEqual({ name: "Nightly" });
  });

  it("clears emptied fields when editing (contract: an empty value clears)", () => {
    expect(agentRequestOf({ ...EMPTY_AGENT, name: "Nightly" }, true)).toEqual({
      name: "Nightly",
      description: "",
      prompt: "",
      base_model: "",
      environment_id: "",
      harness: {},
    });
  });

  it("sends the command harness with its command", () => {
    expect(agentRequestOf({ ...EMPTY_AGENT, name: "CI", harness: "command", command: "make test" }, false)).toEqual({
      name: "CI",
      harness: { type: "command", command: "make test" },
    });
  });

  it("refuses what the API would refuse, in words", () => {
    expect(agentProblem(EMPTY_AGENT)).toMatch(/name/);
    expect(agentProblem({ ...EMPTY_AGENT, name: "x", harness: "claude", baseModel: "gpt" })).toMatch(/base model/);
  });
});
