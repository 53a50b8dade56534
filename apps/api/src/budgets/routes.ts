import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Problem, TeamBudget, UpdateTeamBudgetRequest } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { requireTeamAdmin } from "../members/permissions.ts";
import { readTeamBudget, setTeamBudget } from "./service.ts";

const tags = ["team"];
const WHAT =
  "A team's monthly spending limit. Spending is the inference cost recorded in runs' `request_usage` " +
  "(`inference_cost_usd`, from the model catalogue's prices), summed over the team's runs created this calendar " +
  "month (UTC). Once it reaches the limit, new runs — API, scheduled or any other — are refused with 403 " +
  "`budget_exceeded`, and runs of the built-in `oz` harness stop before their next model turn (FAILED " +
  "`budget_exceeded`).";

/** `/team/budget` (ours): the caller's team's monthly spending limit. */
export const budgetRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, { db }) => {
  app.get(
    "/team/budget",
    {
      schema: {
        summary: "The team's spending budget",
        description: WHAT,
        tags,
        response: { 200: TeamBudget, 401: Problem },
      },
    },
    async (request) => readTeamBudget(db, principalOf(request).teamId),
  );

  app.put(
    "/team/budget",
    {
      schema: {
        summary: "Set the team's spending budget",
        description: `${WHAT} Team admins only; \`null\` removes the limit.`,
        tags,
        body: UpdateTeamBudgetRequest,
        response: { 200: TeamBudget, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) =>
      setTeamBudget(db, requireTeamAdmin(request, "change the team's budget"), request.body.monthly_limit_usd),
  );
};
