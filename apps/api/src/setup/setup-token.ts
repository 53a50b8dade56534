import { hashSecretToken, newSecretToken } from "@oz/auth";
import type { Db } from "@oz/db";

/** How long a first-admin setup link works. */
export const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The instance has no user at all: the first admin is still to be made. */
export async function setupRequired(db: Db): Promise<boolean> {
  return (await db.user.count({ take: 1 })) === 0;
}

/** The stored token, when it can still be used. */
export async function liveSetupToken(db: Db) {
  return db.setupToken.findFirst({ where: { usedAt: null, expiresAt: { gt: new Date() } } });
}

/**
 * Stores a new token unless a usable one exists: API processes starting together race on the one row, and
 * the first to insert wins. Returns the raw token to the winner, null to everyone else.
 */
export async function claimNewSetupToken(db: Db, now = new Date()): Promise<{ token: string; expiresAt: Date } | null> {
  const token = newSecretToken();
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_LIFETIME_MS);
  const won = await db.$executeRaw`
    INSERT INTO setup_tokens (id, token_hash, created_at, expires_at) VALUES (1, ${hashSecretToken(token)}, ${now}, ${expiresAt})
    ON CONFLICT (id) DO UPDATE
      SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at,
          used_at = NULL
      WHERE setup_tokens.used_at IS NOT NULL OR setup_tokens.expires_at <= ${now}`;
  return won === 1 ? { token, expiresAt } : null;
}

/** True once: marks the token used if it is the live one and still no user exists (inside `tx`). */
export async function useSetupToken(tx: Pick<Db, "$executeRaw">, token: string): Promise<boolean> {
  const used = await tx.$executeRaw`
    UPDATE setup_tokens SET used_at = now()
     WHERE id = 1 AND token_hash = ${hashSecretToken(token)} AND used_at IS NULL AND expires_at > now()
       AND NOT EXISTS (SELECT 1 FROM users)`;
  return used === 1;
}
