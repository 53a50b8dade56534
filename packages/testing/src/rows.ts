import { newUid, newUuid, type Db, type Prisma } from "@oz/db";

/**
 * A team and a run row written straight to the database, for tests of packages below the API (the state
 * machine, artifacts) that need a run to exist but are not about creating one.
 */
export async function insertTeamRow(db: Db, name = "acme"): Promise<string> {
  const id = newUid();
  await db.team.create({ data: { id, name } });
  return id;
}

export async function insertRunRow(
  db: Db,
  teamId: string,
  fields: Partial<Prisma.RunUncheckedCreateInput> = {},
): Promise<string> {
  const id = newUuid();
  await db.run.create({
    data: {
      id,
      teamId,
      title: "t",
      prompt: "p",
      creatorKind: "user",
      creatorId: "u",
      executorKind: "user",
      executorId: "u",
      agentConfig: {},
      conversationId: newUuid(),
      ...fields,
    },
  });
  return id;
}
