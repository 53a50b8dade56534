import type { FastifyReply } from "fastify";
import type { SessionResponse, TeamRole } from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { setSessionCookie } from "./session-cookie.ts";
import { createSession, DEFAULT_SESSION_LIFETIME_MS } from "./session-store.ts";

export interface SessionUserRecord {
  id: string;
  email: string;
  displayName: string;
  instanceAdmin: boolean;
}

/** The signed-in user as the dashboard sees them. */
export function presentSession(
  user: SessionUserRecord,
  team: { id: string; name: string },
  role: TeamRole,
  expiresAt?: Date,
): SessionResponse {
  return {
    user: {
      uid: user.id,
      email: user.email,
      display_name: user.displayName,
      role,
      instance_admin: user.instanceAdmin,
    },
    team: { uid: team.id, name: team.name },
    ...(expiresAt && { expires_at: expiresAt.toISOString() }),
  };
}

/**
 * Starts a dashboard session for the user in the team (sign-in, first-admin setup, an accepted invitation):
 * sets the cookie on `reply` and returns the session as the dashboard reads it.
 */
export async function startSession(
  deps: Pick<AppDeps, "db" | "publicUrl" | "sessionLifetimeMs">,
  reply: FastifyReply,
  user: SessionUserRecord,
  team: { id: string; name: string },
  role: TeamRole,
): Promise<SessionResponse> {
  const lifetimeMs = deps.sessionLifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS;
  const session = await createSession(deps.db, { userId: user.id, teamId: team.id, lifetimeMs });
  setSessionCookie(reply, session.token, Math.floor(lifetimeMs / 1000), deps.publicUrl.startsWith("https:"));
  return presentSession(user, team, role, session.expiresAt);
}
