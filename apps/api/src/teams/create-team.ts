import { generateApiKey, hashApiKey, keySuffix } from "@oz/auth";
import { newUid, type Db } from "@oz/db";

export interface NewTeam {
  teamName: string;
  admin: { email: string; displayName?: string; passwordHash?: string | null };
  /** A raw `wk-…` key to register as the admin's personal key; a fresh one is generated when absent. */
  rawApiKey?: string;
}

export interface CreatedTeam {
  teamId: string;
  userId: string;
  defaultAgentId: string;
  apiKey: string;
}

/** A team is born with its admin and its undeletable default agent, in one transaction. */
export async function createTeam(db: Db, input: NewTeam): Promise<CreatedTeam> {
  const teamId = newUid();
  const userId = newUid();
  const defaultAgentId = newUid();
  const raw = input.rawApiKey ?? generateApiKey().raw;
  await db.$transaction([
    db.team.create({ data: { id: teamId, name: input.teamName } }),
    db.user.create({
      data: {
        id: userId,
        email: input.admin.email.toLowerCase(),
        displayName: input.admin.displayName ?? input.admin.email.split("@")[0] ?? input.admin.email,
        passwordHash: input.admin.passwordHash ?? null,
      },
    }),
    db.membership.create({ data: { teamId, userId, role: "admin" } }),
    db.agent.create({ data: { id: defaultAgentId, teamId, name: "Default agent", isDefault: true } }),
    db.apiKey.create({
      data: {
        id: newUid(),
        teamId,
        name: "Personal key",
        keyHash: hashApiKey(raw),
        keySuffix: keySuffix(raw),
        userId,
        createdBy: userId,
      },
    }),
  ]);
  return { teamId, userId, defaultAgentId, apiKey: raw };
}
