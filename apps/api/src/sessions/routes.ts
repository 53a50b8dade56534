import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  ChangePasswordRequest,
  ListMyTeamsResponse,
  LoginRequest,
  NoContentResponse,
  Problem,
  SessionResponse,
  SwitchTeamRequest,
} from "@oz/contract";
import { ApiError } from "@oz/errors";
import type { AppDeps } from "../deps.ts";
import { isInstanceAdmin, requireUser } from "../members/permissions.ts";
import { requireCsrfHeader } from "./authenticate-session.ts";
import { changePassword } from "./change-password.ts";
import { checkCredentials } from "./check-credentials.ts";
import { clearSessionCookie, sessionTokenOf } from "./session-cookie.ts";
import { deleteSession, switchSessionTeam } from "./session-store.ts";
import { presentSession, startSession } from "./sign-in.ts";

const tags = ["auth"];

/** Ours: dashboard sign-in with email and password, kept in an HttpOnly session cookie. */
export const sessionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const secure = deps.publicUrl.startsWith("https:");

  app.post(
    "/auth/login",
    {
      config: { auth: "public" },
      schema: {
        summary: "Sign in to the dashboard",
        description:
          "Sets the `oz_session` cookie. Send the `x-oz-csrf` header, as every state-changing dashboard request " +
          "must. A wrong email and a wrong password are the same 401. After repeated failures for an account " +
          "or from an address, attempts are paced: 429 with `Retry-After` (seconds) until the wait is over.",
        tags,
        body: LoginRequest,
        response: { 200: SessionResponse, 400: Problem, 401: Problem, 403: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      // Also stops another site signing a visitor into an account of its choosing (login CSRF).
      requireCsrfHeader(request);
      const { email, password } = request.body;
      await deps.signInThrottle.admit(email, request.ip);
      const { user, membership, team } = await checkCredentials(deps.db, email, password).catch(async (err) => {
        await deps.signInThrottle.failed(email, request.ip);
        throw err;
      });
      await deps.signInThrottle.succeeded(email);
      return startSession(deps, reply, user, team, membership.role);
    },
  );

  app.post(
    "/auth/logout",
    {
      config: { auth: "public" },
      schema: {
        summary: "Sign out of the dashboard",
        description: "Ends the session and clears its cookie. Succeeds without a session too.",
        tags,
        response: { 204: NoContentResponse, 403: Problem },
      },
    },
    async (request, reply) => {
      const token = sessionTokenOf(request);
      if (token) await deleteSession(deps.db, token);
      clearSessionCookie(reply, secure);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/session",
    {
      schema: {
        summary: "The signed-in user",
        tags,
        response: { 200: SessionResponse, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const principal = requireUser(request);
      const expiresAt = "sessionExpiresAt" in principal ? principal.sessionExpiresAt : undefined;
      return presentSession(
        {
          id: principal.userId,
          email: principal.email,
          displayName: principal.displayName,
          instanceAdmin: await isInstanceAdmin(deps.db, principal.userId),
        },
        { id: principal.teamId, name: principal.teamName },
        principal.role,
        expiresAt instanceof Date ? expiresAt : undefined,
      );
    },
  );

  app.post(
    "/auth/password",
    {
      schema: {
        summary: "Change your password",
        description:
          "Needs the current password. Every other dashboard session of yours ends; the one making the request " +
          "stays signed in. API keys are not affected. Paced like sign-in (429 with `Retry-After`).",
        tags,
        body: ChangePasswordRequest,
        response: { 204: NoContentResponse, 400: Problem, 401: Problem, 403: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await changePassword(deps, user, request.body, { address: request.ip, keepToken: sessionTokenOf(request) });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/teams",
    {
      schema: {
        summary: "The teams you belong to",
        description: "`current` marks the team this session (or API key) acts in.",
        tags,
        response: { 200: ListMyTeamsResponse, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const memberships = await deps.db.membership.findMany({
        where: { userId: user.userId },
        include: { team: true },
        orderBy: [{ team: { name: "asc" } }, { teamId: "asc" }],
      });
      return {
        teams: memberships.map((m) => ({
          uid: m.teamId,
          name: m.team.name,
          role: m.role,
          current: m.teamId === user.teamId,
        })),
      };
    },
  );

  app.post(
    "/auth/team",
    {
      schema: {
        summary: "Switch the dashboard session to another of your teams",
        description:
          "Only a dashboard session switches; an API key stays bound to the team it was made in. Everything " +
          "the session then sees and creates belongs to the new team.",
        tags,
        body: SwitchTeamRequest,
        response: { 200: SessionResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (request) => {
      const user = requireUser(request);
      const token = sessionTokenOf(request);
      if (!token || !("sessionExpiresAt" in user)) {
        throw new ApiError("not_authorized", "API keys stay bound to their team; sign in to the dashboard to switch");
      }
      const teamId = request.body.team_uid;
      if (!(await switchSessionTeam(deps.db, token, teamId))) {
        throw new ApiError("resource_not_found", `team ${teamId} not found among your teams`);
      }
      const membership = await deps.db.membership.findUniqueOrThrow({
        where: { teamId_userId: { teamId, userId: user.userId } },
        include: { team: true, user: true },
      });
      return presentSession(membership.user, membership.team, membership.role, user.sessionExpiresAt as Date);
    },
  );
};
