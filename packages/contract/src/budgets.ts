import { z } from "zod";
import { Timestamp } from "./common.ts";

// Ours: `/team/budget`, a team's monthly spending limit. Spending is the inference cost recorded in runs'
// `request_usage.inference_cost_usd`, summed over the runs created this calendar month (UTC).

export const TeamBudget = z
  .object({
    monthly_limit_usd: z.number().nullable().describe("The limit in US dollars; null = no limit."),
    spent_usd: z.number().describe("What the team's runs created this month have cost so far."),
    period_start: Timestamp.describe("The first instant of this month (UTC)."),
    period_end: Timestamp.describe("The first instant of next month (UTC), when spending starts from zero."),
  })
  .meta({ id: "TeamBudget" });
export type TeamBudget = z.infer<typeof TeamBudget>;

export const UpdateTeamBudgetRequest = z
  .object({
    monthly_limit_usd: z
      .number()
      .nonnegative("monthly_limit_usd must be 0 or more")
      .max(1_000_000_000, "monthly_limit_usd may be at most 1000000000")
      .multipleOf(0.01, "monthly_limit_usd is in dollars and cents (at most 2 decimals)")
      .nullable()
      .describe("The new monthly limit in US dollars (cents at most); null removes the limit."),
  })
  .meta({ id: "UpdateTeamBudgetRequest" });
export type UpdateTeamBudgetRequest = z.infer<typeof UpdateTeamBudgetRequest>;
