import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CreatedTeamResponse, CreateTeamRequest, ListTeamsResponse, Problem } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { createInvite } from "../invites/invite-service.ts";
import { requireInstanceAdmin } from "../members/permissions.ts";
import { insertTeam } from "./create-team.ts";

const tags = ["teams"];

/** Ours: the instance's teams, for its administrators (the first admin, and the bootstrap admin). */
export const teamRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/teams",
    {
      schema: {
        summary: "Every team of this instance",
        description: "Instance administrators only.",
        tags,
        response: { 200: ListTeamsResponse, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      await requireInstanceAdmin(deps.db, request);
      const teams = await deps.db.team.findMany({
        include: { _count: { select: { memberships: true } } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      return {
        teams: teams.map((t) => ({
          uid: t.id,
          name: t.name,
          member_count: t._count.memberships,
          created_at: t.createdAt.toISOString(),
        })),
      };
    },
  );

  app.post(
    "/teams",
    {
      schema: {
        summary: "Create a team and invite its first admin",
        description:
          "Instance administrators only. The team starts with its default agent and no members; `invite.invite_url` " +
          "is the single-use link (7 days) that makes `admin_email` its admin, whether or not they have an account.",
        tags,
        body: CreateTeamRequest,
        response: { 200: CreatedTeamResponse, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const caller = await requireInstanceAdmin(deps.db, request);
      return deps.db.$transaction(async (tx) => {
        const { team } = await insertTeam(tx, request.body.name);
        const invite = await createInvite(tx, {
          teamId: team.id,
          email: request.body.admin_email,
          role: "admin",
          invitedBy: caller.userId,
          publicUrl: deps.publicUrl,
        });
        return {
          team: { uid: team.id, name: team.name, member_count: 0, created_at: team.createdAt.toISOString() },
          invite,
        };
      });
    },
  );
};
