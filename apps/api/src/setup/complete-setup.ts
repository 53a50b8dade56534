import { hashPassword } from "@oz/auth";
import type { SetupRequest } from "@oz/contract";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";
import { insertTeamWithAdmin } from "../teams/create-team.ts";
import { setupRequired, useSetupToken } from "./setup-token.ts";

export const setupDone = () => new ApiError("resource_not_found", "setup is done: an admin exists; sign in instead");

/**
 * Uses the setup link once: creates the team, its admin (an instance administrator) with their password,
 * and their first personal key, in one transaction with marking the token used.
 */
export async function completeSetup(db: Db, body: SetupRequest) {
  if (!(await setupRequired(db))) throw setupDone();
  const passwordHash = await hashPassword(body.password);
  return db.$transaction(async (tx) => {
    if (!(await useSetupToken(tx, body.token))) {
      if (!(await setupRequired(db))) throw setupDone();
      throw new ApiError(
        "not_authorized",
        "token: this setup link is not valid (mistyped, already used or expired); restart the API to print a " +
          "valid one",
        { title: "Setup link not valid." },
      );
    }
    const created = await insertTeamWithAdmin(tx, {
      teamName: body.team_name,
      admin: { email: body.email, displayName: body.display_name, passwordHash, instanceAdmin: true },
    });
    const user = await tx.user.findUniqueOrThrow({ where: { id: created.userId } });
    const team = await tx.team.findUniqueOrThrow({ where: { id: created.teamId } });
    return { user, team, apiKey: created.apiKey };
  });
}
