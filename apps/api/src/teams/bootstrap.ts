import { hashApiKey, hashPassword, keySuffix } from "@oz/auth";
import { newUid, type Db } from "@oz/db";
import { createTeam } from "./create-team.ts";

export interface BootstrapSettings {
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  apiKey?: string | undefined;
  teamName: string;
}

/**
 * First start and automation: make sure the configured admin (an instance administrator), their team, its
 * default agent and the configured personal key exist. Safe to run on every start; it changes nothing that is already there
 * except a changed password.
 */
export async function bootstrapAdmin(db: Db, s: BootstrapSettings): Promise<"created" | "updated" | "skipped"> {
  if (!s.adminEmail) return "skipped";
  const email = s.adminEmail.toLowerCase();
  const passwordHash = s.adminPassword ? await hashPassword(s.adminPassword) : null;
  const existing = await db.user.findUnique({ where: { email }, include: { memberships: true } });
  if (!existing) {
    await createTeam(db, {
      teamName: s.teamName,
      admin: { email, passwordHash, instanceAdmin: true },
      ...(s.apiKey && { rawApiKey: s.apiKey }),
    });
    return "created";
  }
  if (passwordHash) await db.user.update({ where: { id: existing.id }, data: { passwordHash } });
  const teamId = existing.memberships[0]?.teamId;
  if (s.apiKey && teamId) {
    const keyHash = hashApiKey(s.apiKey);
    await db.apiKey.upsert({
      where: { keyHash },
      create: {
        id: newUid(),
        teamId,
        name: "Bootstrap key",
        keyHash,
        keySuffix: keySuffix(s.apiKey),
        userId: existing.id,
        createdBy: existing.id,
      },
      update: {},
    });
  }
  return "updated";
}
