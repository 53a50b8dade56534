import { hashSecretToken, newSecretToken, type UserPrincipal } from "@oz/auth";
import { newUid, type Db } from "@oz/db";

/** Dashboard sessions last a week unless configured otherwise. */
export const DEFAULT_SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface SessionPrincipal extends UserPrincipal {
  sessionExpiresAt: Date;
}

/**
 * Stores a new session for the user in the team and returns the raw token for the cookie (the table keeps
 * only its hash, so a leaked table signs nobody in).
 */
export async function createSession(db: Db, input: { userId: string; teamId: string; lifetimeMs: number }) {
  const token = newSecretToken();
  const expiresAt = new Date(Date.now() + input.lifetimeMs);
  await db.$transaction([
    // Housekeeping: the user's expired sessions go whenever they sign in again.
    db.webSession.deleteMany({ where: { userId: input.userId, expiresAt: { lte: new Date() } } }),
    db.webSession.create({
      data: { id: newUid(), tokenHash: hashSecretToken(token), userId: input.userId, teamId: input.teamId, expiresAt },
    }),
  ]);
  return { token, expiresAt };
}

interface SessionRow {
  user_id: string;
  team_id: string;
  team_name: string;
  email: string;
  display_name: string;
  role: "admin" | "member";
  expires_at: Date;
}

/**
 * The user behind an unexpired session token, in the session's current team, while they are still a member
 * of it: removing a member ends their sessions in that team on their next request.
 */
export async function findSessionPrincipal(db: Db, token: string, now = new Date()): Promise<SessionPrincipal | null> {
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT s.user_id, s.team_id, t.name AS team_name, u.email, u.display_name, m.role, s.expires_at
      FROM web_sessions s
      JOIN users u ON u.id = s.user_id
      JOIN teams t ON t.id = s.team_id
      JOIN memberships m ON m.user_id = s.user_id AND m.team_id = s.team_id
     WHERE s.token_hash = ${hashSecretToken(token)} AND s.expires_at > ${now}`;
  const row = rows[0];
  if (!row) return null;
  return {
    kind: "user",
    userId: row.user_id,
    teamId: row.team_id,
    teamName: row.team_name,
    role: row.role,
    email: row.email,
    displayName: row.display_name,
    sessionExpiresAt: row.expires_at,
  };
}

export async function deleteSession(db: Db, token: string) {
  await db.webSession.deleteMany({ where: { tokenHash: hashSecretToken(token) } });
}

/** Moves a session to another team of its user; false if the user is not a member of it. */
export async function switchSessionTeam(db: Db, token: string, teamId: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE web_sessions s SET team_id = ${teamId}
     WHERE s.token_hash = ${hashSecretToken(token)} AND s.expires_at > now()
       AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = s.user_id AND m.team_id = ${teamId})`;
  return count === 1;
}

/** Ends a user's sessions: all of them, only those in one team, or all but the one making the request. */
export async function endUserSessions(db: Db, userId: string, scope: { teamId?: string; exceptToken?: string } = {}) {
  await db.webSession.deleteMany({
    where: {
      userId,
      ...(scope.teamId && { teamId: scope.teamId }),
      ...(scope.exceptToken && { tokenHash: { not: hashSecretToken(scope.exceptToken) } }),
    },
  });
}
