import { hashPassword, verifyPassword, type UserPrincipal } from "@oz/auth";
import type { ChangePasswordRequest } from "@oz/contract";
import { ApiError } from "@oz/errors";
import type { AppDeps } from "../deps.ts";
import { endUserSessions } from "./session-store.ts";

/**
 * Replaces the user's password after checking the current one (paced like sign-in, so a stolen session
 * cannot guess it quickly), then ends every other dashboard session of theirs.
 */
export async function changePassword(
  deps: Pick<AppDeps, "db" | "signInThrottle">,
  caller: UserPrincipal,
  body: ChangePasswordRequest,
  request: { address: string; keepToken: string | undefined },
): Promise<void> {
  await deps.signInThrottle.admit(caller.email, request.address);
  const user = await deps.db.user.findUniqueOrThrow({ where: { id: caller.userId } });
  if (!user.passwordHash || !(await verifyPassword(body.current_password, user.passwordHash))) {
    await deps.signInThrottle.failed(caller.email, request.address);
    throw new ApiError("invalid_request", "current_password: is not your current password", {
      title: "Password not changed.",
    });
  }
  await deps.signInThrottle.succeeded(caller.email);
  const passwordHash = await hashPassword(body.new_password);
  await deps.db.user.update({ where: { id: user.id }, data: { passwordHash } });
  await endUserSessions(deps.db, user.id, request.keepToken ? { exceptToken: request.keepToken } : {});
}
