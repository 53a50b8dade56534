import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  ListTeamMembersResponse,
  MemberUidParams,
  NoContentResponse,
  Problem,
  TeamMember,
  UpdateMemberRequest,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { changeMemberRole, listMembers, removeMember } from "./member-service.ts";
import { requireTeamAdmin, requireUser } from "./permissions.ts";

const tags = ["team"];

/** Ours: who belongs to the caller's team, and (admins) their roles and removal. */
export const memberRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/team/members",
    {
      schema: {
        summary: "Members of the caller's team",
        tags,
        response: { 200: ListTeamMembersResponse, 401: Problem },
      },
    },
    async (request) => ({ members: await listMembers(deps.db, principalOf(request).teamId) }),
  );

  app.patch(
    "/team/members/:uid",
    {
      config: { changesPrincipals: true },
      schema: {
        summary: "Change a member's role",
        description:
          "Team admins only. Takes effect on the member's next request, keys and sessions alike. The team's last " +
          "admin cannot be made a member (409).",
        tags,
        params: MemberUidParams,
        body: UpdateMemberRequest,
        response: { 200: TeamMember, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request) =>
      changeMemberRole(deps.db, requireTeamAdmin(request, "change roles"), request.params.uid, request.body.role),
  );

  app.delete(
    "/team/members/:uid",
    {
      config: { changesPrincipals: true },
      schema: {
        summary: "Remove a member from the team",
        description:
          "Team admins only, or members leaving themselves. Their dashboard sessions in this team end and their " +
          "personal API keys of this team stop working at once. The team's last admin cannot be removed (409).",
        tags,
        params: MemberUidParams,
        response: { 204: NoContentResponse, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const leaving = requireUser(request).userId === request.params.uid;
      const caller = leaving ? requireUser(request) : requireTeamAdmin(request, "remove members");
      await removeMember(deps.db, caller, request.params.uid);
      return reply.code(204).send(null);
    },
  );
};
