import type { FastifyRequest } from "fastify";
import type { UserPrincipal } from "@oz/auth";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";
import { principalOf } from "../http/auth.ts";

/** Accounts are people's business: a cloud agent's key is refused. */
export function requireUser(request: FastifyRequest): UserPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== "user") {
    throw new ApiError("not_authorized", "cloud agents cannot manage accounts or teams; use a personal API key");
  }
  return principal;
}

/** Members, roles and invitations of a team are managed by its admins. */
export function requireTeamAdmin(request: FastifyRequest, action: string): UserPrincipal {
  const user = requireUser(request);
  if (user.role !== "admin") throw new ApiError("not_authorized", `only team admins may ${action}`);
  return user;
}

/** Creating teams is for the instance's administrators (its first admin, and whom they make one). */
export async function requireInstanceAdmin(db: Db, request: FastifyRequest): Promise<UserPrincipal> {
  const user = requireUser(request);
  if (!(await isInstanceAdmin(db, user.userId))) {
    throw new ApiError("not_authorized", "only instance administrators may list or create teams");
  }
  return user;
}

export async function isInstanceAdmin(db: Db, userId: string): Promise<boolean> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { instanceAdmin: true } });
  return row?.instanceAdmin ?? false;
}
