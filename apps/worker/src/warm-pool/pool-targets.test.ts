import { describe, expect, it } from "vitest";
import { poolTargets } from "./pool-targets.ts";

const demand = (environmentId: string, teamId: string, size: number) => ({ environmentId, teamId, size });

describe("warm pool targets", () => {
  it("are the environments' sizes, capped at the operator's maximum", () => {
    const targets = poolTargets([demand("a", "t", 2), demand("b", "t", 9)], { maxSize: 4, teamLimit: 0 }, () => 0);
    expect(Object.fromEntries(targets)).toEqual({ a: 2, b: 4 });
  });

  it("fit in the team's free run slots, shared among its environments, and shrink as runs take slots", () => {
    const demands = [demand("a", "t", 3), demand("b", "t", 3), demand("c", "other", 3)];
    const active = new Map([
      ["t", 6],
      ["other", 10],
    ]);
    const targets = poolTargets(demands, { maxSize: 4, teamLimit: 10 }, (team) => active.get(team) ?? 0);
    // Team t has 4 free slots: 3 for a, 1 for b; the other team has none.
    expect(Object.fromEntries(targets)).toEqual({ a: 3, b: 1, c: 0 });
    active.set("t", 9);
    expect(poolTargets(demands, { maxSize: 4, teamLimit: 10 }, (team) => active.get(team) ?? 0).get("a")).toBe(1);
  });
});
