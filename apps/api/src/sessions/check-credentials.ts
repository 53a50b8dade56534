import { hashPassword, passwordNeedsRehash, verifyPassword } from "@oz/auth";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";

/** Compared against when the email is unknown, so both failures take the same scrypt time. */
let decoyHash: Promise<string> | undefined;

const wrongCredentials = () =>
  new ApiError("authentication_required", "the email or password is incorrect", { title: "Sign-in failed." });

/**
 * The user and team an email and password sign into (the user's oldest membership). Unknown email, no
 * password set, wrong password and no team all fail alike: same error, same work. A hash of an older,
 * cheaper cost is replaced now that the password is known.
 */
export async function checkCredentials(db: Db, email: string, password: string) {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    include: { memberships: { orderBy: { createdAt: "asc" }, take: 1, include: { team: true } } },
  });
  decoyHash ??= hashPassword("decoy password that never matches");
  const stored = user?.passwordHash ?? (await decoyHash);
  const matches = await verifyPassword(password, stored);
  const membership = user?.memberships[0];
  if (!user?.passwordHash || !matches || !membership) throw wrongCredentials();
  if (passwordNeedsRehash(user.passwordHash)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return { user, membership, team: membership.team };
}
