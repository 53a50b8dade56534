import { generateApiKey, hashApiKey, keySuffix } from "@oz/auth";
import { newUid, type Db, type Prisma } from "@oz/db";

export interface NewTeam {
  teamName: string;
  admin: { email: string; displayName?: string; passwordHash?: string | null; instanceAdmin?: boolean };
  /** A raw `wk-…` key to register as the admin's personal key; a fresh one is generated when absent. */
  rawApiKey?: string;
}

export interface CreatedTeam {
  teamId: string;
  userId: string;
  defaultAgentId: string;
  apiKey: string;
}

/** A team is born with its undeletable default agent. */
export async function insertTeam(tx: Prisma.TransactionClient, name: string) {
  const teamId = newUid();
  const defaultAgentId = newUid();
  const team = await tx.team.create({ data: { id: teamId, name } });
  await tx.agent.create({ data: { id: defaultAgentId, teamId, name: "Default agent", isDefault: true } });
  return { team, defaultAgentId };
}

/** A new team with a new admin, who gets a personal key, in the caller's transaction. */
export async function insertTeamWithAdmin(tx: Prisma.TransactionClient, input: NewTeam): Promise<CreatedTeam> {
  const { team, defaultAgentId } = await insertTeam(tx, input.teamName);
  const userId = newUid();
  const raw = input.rawApiKey ?? generateApiKey().raw;
  await tx.user.create({
    data: {
      id: userId,
      email: input.admin.email.toLowerCase(),
      displayName: input.admin.displayName ?? input.admin.email.split("@")[0] ?? input.admin.email,
      passwordHash: input.admin.passwordHash ?? null,
      instanceAdmin: input.admin.instanceAdmin ?? false,
    },
  });
  await tx.membership.create({ data: { teamId: team.id, userId, role: "admin" } });
  await tx.apiKey.create({
    data: {
      id: newUid(),
      teamId: team.id,
      name: "Personal key",
      keyHash: hashApiKey(raw),
      keySuffix: keySuffix(raw),
      userId,
      createdBy: userId,
    },
  });
  return { teamId: team.id, userId, defaultAgentId, apiKey: raw };
}

/** A team with its admin, default agent and the admin's personal key, in one transaction. */
export function createTeam(db: Db, input: NewTeam): Promise<CreatedTeam> {
  return db.$transaction((tx) => insertTeamWithAdmin(tx, input));
}
