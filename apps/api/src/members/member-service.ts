import type { UserPrincipal } from "@oz/auth";
import type { TeamMember, TeamRole } from "@oz/contract";
import type { Db, Membership, Prisma, User } from "@oz/db";
import { ApiError, notFound } from "@oz/errors";

export const presentMember = (m: Membership & { user: User }): TeamMember => ({
  uid: m.user.id,
  email: m.user.email,
  display_name: m.user.displayName,
  role: m.role,
  joined_at: m.createdAt.toISOString(),
});

export async function listMembers(db: Db, teamId: string): Promise<TeamMember[]> {
  const memberships = await db.membership.findMany({
    where: { teamId },
    include: { user: true },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
  });
  return memberships.map(presentMember);
}

/**
 * The member, with the team's admin rows locked for the rest of the transaction: two admins demoting or
 * removing each other at once are serialised, so the team can never be left without one.
 */
async function lockMember(tx: Prisma.TransactionClient, teamId: string, userId: string) {
  const admins = await tx.$queryRaw<{ user_id: string }[]>`
    SELECT user_id FROM memberships WHERE team_id = ${teamId} AND role = 'admin' FOR UPDATE`;
  const member = await tx.membership.findUnique({
    where: { teamId_userId: { teamId, userId } },
    include: { user: true },
  });
  if (!member) throw notFound("member", userId);
  const lastAdmin = member.role === "admin" && admins.length === 1;
  return { member, lastAdmin };
}

const lastAdminConflict = (what: string) =>
  new ApiError("conflict", `the team's last admin cannot be ${what}; make another member admin first`, {
    retryable: false,
    title: "A team needs an admin.",
  });

/** Changes a member's role; the team's last admin cannot be demoted. */
export async function changeMemberRole(db: Db, caller: UserPrincipal, userId: string, role: TeamRole) {
  return db.$transaction(async (tx) => {
    const { member, lastAdmin } = await lockMember(tx, caller.teamId, userId);
    if (lastAdmin && role !== "admin") throw lastAdminConflict("made a member");
    const updated = await tx.membership.update({
      where: { teamId_userId: { teamId: caller.teamId, userId } },
      data: { role },
      include: { user: true },
    });
    return presentMember(member.role === role ? member : updated);
  });
}

/**
 * Removes a member from the team: their sessions in it end and their personal keys of it are revoked, at
 * once (sessions and keys are checked against memberships on every request, and the key cache hears of the
 * change as it commits). The team's last admin cannot be removed.
 */
export async function removeMember(db: Db, caller: UserPrincipal, userId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const { lastAdmin } = await lockMember(tx, caller.teamId, userId);
    if (lastAdmin) throw lastAdminConflict("removed");
    await tx.membership.delete({ where: { teamId_userId: { teamId: caller.teamId, userId } } });
    await tx.webSession.deleteMany({ where: { userId, teamId: caller.teamId } });
    await tx.apiKey.updateMany({
      where: { userId, teamId: caller.teamId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  });
}
