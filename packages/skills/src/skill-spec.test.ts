import { describe, expect, it } from "vitest";
import {
  candidatePaths,
  isDiscoverableSkillPath,
  parseSkillSpec,
  skillNameFromPath,
  skillNameFromSpec,
} from "./skill-spec.ts";

describe("skill specs", () => {
  it("reads the four forms of the contract", () => {
    expect(parseSkillSpec("acme/tools:deploy")).toEqual({
      spec: "acme/tools:deploy",
      owner: "acme",
      repo: "tools",
      target: { name: "deploy" },
    });
    expect(parseSkillSpec("acme/tools:.claude/skills/deploy/SKILL.md")?.target).toEqual({
      path: ".claude/skills/deploy/SKILL.md",
    });
    expect(parseSkillSpec("tools:deploy")).toEqual({ spec: "tools:deploy", repo: "tools", target: { name: "deploy" } });
    expect(parseSkillSpec("tools:release.md")?.target).toEqual({ path: "release.md" });
  });

  it("refuses what cannot name a skill file", () => {
    for (const spec of ["deploy", ":deploy", "acme/tools:", "a/b/c:deploy", "acme/tools:../etc/passwd", "ac me:x"]) {
      expect(parseSkillSpec(spec), spec).toBeUndefined();
    }
  });

  it("looks for a named skill in .claude/skills, then .agents/skills, then skills", () => {
    expect(candidatePaths({ name: "deploy" })).toEqual([
      ".claude/skills/deploy/SKILL.md",
      ".agents/skills/deploy/SKILL.md",
      "skills/deploy/SKILL.md",
    ]);
    expect(candidatePaths({ path: "docs/SKILL.md" })).toEqual(["docs/SKILL.md"]);
  });

  it("discovers SKILL.md files one folder deep in those roots only", () => {
    expect(isDiscoverableSkillPath(".agents/skills/lint/SKILL.md")).toBe(true);
    expect(isDiscoverableSkillPath("skills/lint/SKILL.md")).toBe(true);
    expect(isDiscoverableSkillPath("skills/SKILL.md")).toBe(false);
    expect(isDiscoverableSkillPath("skills/lint/deep/SKILL.md")).toBe(false);
    expect(isDiscoverableSkillPath("docs/skills/lint/SKILL.md")).toBe(false);
  });

  it("names a skill after its folder", () => {
    expect(skillNameFromPath(".claude/skills/deploy/SKILL.md")).toBe("deploy");
    expect(skillNameFromPath("docs/release.md")).toBe("release");
  });

  it("names the skill a spec names", () => {
    expect(skillNameFromSpec("acme/web:.claude/skills/deploy/SKILL.md")).toBe("deploy");
    expect(skillNameFromSpec("web:deploy")).toBe("deploy");
    expect(skillNameFromSpec("acme/web:docs/release.md")).toBe("release");
    expect(skillNameFromSpec("web:")).toBe("web:");
  });
});
