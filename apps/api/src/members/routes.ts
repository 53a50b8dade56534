import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ListTeamMembersResponse, Problem } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";

/** Ours: who belongs to the caller's team (the dashboard's settings page). */
export const memberRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/team/members",
    {
      schema: {
        summary: "Members of the caller's team",
        tags: ["team"],
        response: { 200: ListTeamMembersResponse, 401: Problem },
      },
    },
    async (request) => {
      const { teamId } = principalOf(request);
      const memberships = await deps.db.membership.findMany({
        where: { teamId },
        include: { user: true },
        orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
      });
      return {
        members: memberships.map((m) => ({
          uid: m.user.id,
          email: m.user.email,
          display_name: m.user.displayName,
          role: m.role,
          joined_at: m.createdAt.toISOString(),
        })),
      };
    },
  );
};
