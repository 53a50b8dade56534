import { generateApiKey } from "@oz/auth";
import { newUid } from "@oz/db";
import type { TestServer } from "./test-server.ts";

let memberCounter = 0;

/** Adds a user to a team with the given role and returns their uid and a fresh personal key. */
export async function addTeamMember(
  server: Pick<TestServer, "database">,
  teamId: string,
  role: "admin" | "member" = "member",
) {
  const { db } = server.database;
  const userId = newUid();
  const key = generateApiKey();
  const email = `${role}-${++memberCounter}-${Date.now()}@example.com`;
  await db.$transaction([
    db.user.create({ data: { id: userId, email, displayName: `${role} ${memberCounter}` } }),
    db.membership.create({ data: { teamId, userId, role } }),
    db.apiKey.create({
      data: {
        id: newUid(),
        teamId,
        name: "Member key",
        keyHash: key.hash,
        keySuffix: key.suffix,
        userId,
        createdBy: userId,
      },
    }),
  ]);
  return { userId, email, apiKey: key.raw };
}
