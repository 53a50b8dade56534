import type { ScheduledAgentItem } from "@oz/contract";
import { describe, expect, it } from "vitest";
import { ApiProblem } from "../api/problem.ts";
import { formatUtc, previewCron } from "./cron-times.ts";
import { EMPTY_SCHEDULE, fieldProblemsOf, scheduleFormOf, scheduleRequestOf } from "./schedule-form.ts";

const invalid = (detail: string) => new ApiProblem({ status: 400, title: "Invalid request", detail });

describe("the schedule form", () => {
  it("puts each complaint of a 400 against the field it names, and keeps the rest", () => {
    expect(
      fieldProblemsOf(
        invalid(
          "body.cron_schedule: must have 5 fields (minute hour day-of-month month day-of-week), evaluated in UTC; " +
            "body.metadata.bad key: metadata keys may only contain letters; something else",
        ),
      ),
    ).toEqual({
      fields: {
        cron_schedule: "must have 5 fields (minute hour day-of-month month day-of-week), evaluated in UTC",
        metadata: "metadata keys may only contain letters",
      },
      rest: ["something else"],
    });
    expect(fieldProblemsOf(invalid("prompt is required unless agent_config.skill_spec is given")).fields).toEqual({
      prompt: "prompt is required unless agent_config.skill_spec is given",
    });
    // Not a validation failure: nothing is a field's fault.
    const forbidden = new ApiProblem({ status: 403, title: "Forbidden", detail: "name the owner" });
    expect(fieldProblemsOf(forbidden)).toEqual({ fields: {}, rest: ["name the owner"] });
  });

  it("replaces a schedule whole but keeps the config the form does not show, and its state", () => {
    const existing: ScheduledAgentItem = {
      id: "S1",
      name: "nightly",
      cron_schedule: "0 2 * * *",
      enabled: false,
      prompt: "triage",
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      agent_config: { environment_id: "E1", model_id: "gpt-5" },
      metadata: { team: "web" },
      mode: "plan",
      scope: { type: "Team", uid: "T1" },
    };
    const form = { ...scheduleFormOf(existing), environmentId: "", metadata: "team=web\nowner = ada" };
    expect(scheduleRequestOf(form, existing)).toEqual({
      body: {
        name: "nightly",
        cron_schedule: "0 2 * * *",
        prompt: "triage",
        agent_config: { model_id: "gpt-5" },
        agent_uid: null,
        metadata: { team: "web", owner: "ada" },
        mode: "plan",
        enabled: false,
      },
    });
    expect(scheduleRequestOf({ ...EMPTY_SCHEDULE, metadata: "no-equals" })).toEqual({
      problem: 'Cannot read the metadata line "no-equals": write key=value.',
    });
  });

  it("previews the next five fire times in UTC as the expression is typed, or says what is wrong", () => {
    const from = new Date("2026-12-03T22:10:00Z");
    const preview = previewCron("0 9 * * 1-5", from);
    expect("times" in preview && preview.times.map(formatUtc)).toEqual([
      "Fri, 4 Dec 2026, 09:00 UTC",
      "Mon, 7 Dec 2026, 09:00 UTC",
      "Tue, 8 Dec 2026, 09:00 UTC",
      "Wed, 9 Dec 2026, 09:00 UTC",
      "Thu, 10 Dec 2026, 09:00 UTC",
    ]);
    expect(previewCron("0 9 * *", from)).toEqual({
      problem:
        "The expression must have 5 fields (minute hour day-of-month month day-of-week), evaluated in UTC; got 4.",
    });
    expect(previewCron("61 9 * * *", from)).toMatchObject({ problem: expect.stringMatching(/not a valid cron/) });
  });
});
