import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { LoginRequest, NoContentResponse, Problem, SessionResponse } from "@oz/contract";
import { ApiError } from "@oz/errors";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { requireCsrfHeader } from "./authenticate-session.ts";
import { checkCredentials } from "./check-credentials.ts";
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from "./session-cookie.ts";
import { createSession, DEFAULT_SESSION_LIFETIME_MS, deleteSession } from "./session-store.ts";

/** Ours: dashboard sign-in with email and password, kept in an HttpOnly session cookie. */
export const sessionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const secure = deps.publicUrl.startsWith("https:");
  const lifetimeMs = deps.sessionLifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS;

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
        tags: ["auth"],
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
      const session = await createSession(deps.db, { userId: user.id, teamId: team.id, lifetimeMs });
      setSessionCookie(reply, session.token, Math.floor(lifetimeMs / 1000), secure);
      return {
        user: { uid: user.id, email: user.email, display_name: user.displayName, role: membership.role },
        team: { uid: team.id, name: team.name },
        expires_at: session.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    "/auth/logout",
    {
      config: { auth: "public" },
      schema: {
        summary: "Sign out of the dashboard",
        description: "Ends the session and clears its cookie. Succeeds without a session too.",
        tags: ["auth"],
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
        tags: ["auth"],
        response: { 200: SessionResponse, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      if (principal.kind !== "user")
        throw new ApiError("not_authorized", "cloud agents do not sign in to the dashboard");
      const expiresAt = "sessionExpiresAt" in principal ? principal.sessionExpiresAt : undefined;
      return {
        user: {
          uid: principal.userId,
          email: principal.email,
          display_name: principal.displayName,
          role: principal.role,
        },
        team: { uid: principal.teamId, name: principal.teamName },
        ...(expiresAt instanceof Date && { expires_at: expiresAt.toISOString() }),
      };
    },
  );
};
