import { describe, expect, it } from "vitest";
import { parseSkillFile } from "./skill-file.ts";

describe("reading a SKILL.md", () => {
  it("separates the front matter from the instructions", () => {
    const file =
      "---\nname: deploy\ndescription: Ships the service\nallowed-tools: [Bash]\n---\n\n# Deploy\nRun make deploy.\n";
    expect(parseSkillFile(file)).toEqual({
      ok: true,
      name: "deploy",
      description: "Ships the service",
      body: "# Deploy\nRun make deploy.",
    });
  });

  it("takes a file without front matter as instructions only", () => {
    expect(parseSkillFile("Always run the linter.\n")).toEqual({
      ok: true,
      description: "",
      body: "Always run the linter.",
    });
  });

  it("reports front matter that cannot be used", () => {
    expect(parseSkillFile("---\nname: [unclosed\n---\nbody")).toMatchObject({
      ok: false,
      error: expect.stringContaining("not valid YAML"),
      body: "body",
    });
    expect(parseSkillFile("---\nname: x\nbody without end")).toMatchObject({ ok: false, error: expect.any(String) });
    expect(parseSkillFile("---\n- a list\n---\nbody")).toMatchObject({
      ok: false,
      error: expect.stringContaining("mapping"),
    });
    expect(parseSkillFile("---\ndescription: 42\n---\nbody")).toMatchObject({ ok: false });
    expect(parseSkillFile("---\nname: empty\n---\n")).toMatchObject({
      ok: false,
      error: expect.stringContaining("no instructions"),
    });
  });
});
