import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AcceptInviteRequest,
  CreatedInvite,
  CreateInviteRequest,
  InviteDetails,
  InviteTokenRequest,
  InviteUidParams,
  ListInvitesResponse,
  NoContentResponse,
  Problem,
  SessionResponse,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { requireTeamAdmin } from "../members/permissions.ts";
import { requireCsrfHeader } from "../sessions/authenticate-session.ts";
import { startSession } from "../sessions/sign-in.ts";
import { acceptInvite, createInvite, describeInvite, listPendingInvites, revokeInvite } from "./invite-service.ts";

const tags = ["team"];

/** Ours: invitations into the caller's team (admins), and accepting one (anyone holding its link). */
export const inviteRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    "/team/invites",
    {
      schema: {
        summary: "Invite someone into your team",
        description:
          "Team admins only. Returns `invite_url`, a single-use link valid for 7 days: hand it to the invitee " +
          "(no mail is sent). A pending invitation of the same email is replaced; 409 if already a member.",
        tags,
        body: CreateInviteRequest,
        response: { 200: CreatedInvite, 400: Problem, 401: Problem, 403: Problem, 409: Problem },
      },
    },
    async (request) => {
      const admin = requireTeamAdmin(request, "invite members");
      return createInvite(deps.db, {
        teamId: admin.teamId,
        email: request.body.email,
        role: request.body.role,
        invitedBy: admin.userId,
        publicUrl: deps.publicUrl,
      });
    },
  );

  app.get(
    "/team/invites",
    {
      schema: {
        summary: "Invitations of your team still waiting",
        description: "Team admins only. Links are not shown again: only their hashes are kept.",
        tags,
        response: { 200: ListInvitesResponse, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const admin = requireTeamAdmin(request, "see invitations");
      return { invites: await listPendingInvites(deps.db, admin.teamId) };
    },
  );

  app.delete(
    "/team/invites/:uid",
    {
      schema: {
        summary: "Withdraw an invitation",
        description: "Team admins only. Its link stops working.",
        tags,
        params: InviteUidParams,
        response: { 204: NoContentResponse, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      await revokeInvite(deps.db, requireTeamAdmin(request, "withdraw invitations"), request.params.uid);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/invites/lookup",
    {
      config: { auth: "public" },
      schema: {
        summary: "What an invitation link offers",
        description: "The token travels in the body, not the URL, so it stays out of access logs.",
        tags,
        body: InviteTokenRequest,
        response: { 200: InviteDetails, 400: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      requireCsrfHeader(request);
      return describeInvite(deps.db, request.body.token);
    },
  );

  app.post(
    "/invites/accept",
    {
      config: { auth: "public" },
      schema: {
        summary: "Accept an invitation",
        description:
          "A new account gives `display_name` and a `password` (at least 8 characters); an existing account " +
          "gives its current password and gains the membership. Signs in to the invited team (cookie). The " +
          "link works once.",
        tags,
        body: AcceptInviteRequest,
        response: { 200: SessionResponse, 400: Problem, 403: Problem, 404: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      requireCsrfHeader(request);
      const guard = { throttle: deps.signInThrottle, address: request.ip };
      const { user, team, role } = await acceptInvite(deps.db, request.body, guard);
      return startSession(deps, reply, user, team, role);
    },
  );
};
