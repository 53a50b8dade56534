import type { UserPrincipal } from "@oz/auth";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";

/** A cloud agent's default environment must be a live environment of its own team. */
export async function assertTeamEnvironment(db: Db, teamId: string, environmentId: string | null | undefined) {
  if (!environmentId) return;
  const found = await db.environment.findFirst({
    where: { id: environmentId, teamId, deletedAt: null },
    select: { id: true },
  });
  if (!found) {
    throw new ApiError("invalid_request", `environment_id: environment ${environmentId} not found in this team`);
  }
}

/** A third-party harness brings its own model, so the agent may not also name one. */
export function assertHarnessAllowsModel(harness: unknown, baseModel: string | null) {
  const type = (harness as { type?: string } | null)?.type;
  if (type && type !== "oz" && baseModel) {
    throw new ApiError("invalid_request", `base_model: must be empty when harness.type is ${type}`);
  }
}

/** Only team admins may let an agent's keys act on behalf of users. */
export function assertMayChangeOnBehalfOf(caller: UserPrincipal) {
  if (caller.role !== "admin") {
    throw new ApiError("not_authorized", "on_behalf_of_enabled may only be changed by team admins");
  }
}
