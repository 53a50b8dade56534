import { hashPassword, hashSecretToken, newSecretToken, verifyPassword, type UserPrincipal } from "@oz/auth";
import {
  NewPassword,
  type AcceptInviteRequest,
  type CreatedInvite,
  type InviteDetails,
  type InviteItem,
  type TeamRole,
} from "@oz/contract";
import { newUid, type Db, type Invite, type Prisma } from "@oz/db";
import { ApiError, invalid, notFound } from "@oz/errors";
import type { SignInThrottle } from "../sessions/sign-in-throttle.ts";

/** How long an invitation link works. */
export const INVITE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

const presentInvite = (invite: Invite): InviteItem => ({
  uid: invite.id,
  email: invite.email,
  role: invite.role,
  created_at: invite.createdAt.toISOString(),
  expires_at: invite.expiresAt.toISOString(),
});

/** `<public URL>/invite?token=…`: the dashboard page that accepts it. */
const inviteUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, "")}/invite?token=${token}`;

/**
 * Invites an email into a team with a role. The answer carries the link, the only copy of its token: no mail
 * is sent, the inviter hands the link over. A pending invitation of the same email is replaced.
 */
export async function createInvite(
  db: Db | Prisma.TransactionClient,
  input: { teamId: string; email: string; role: TeamRole; invitedBy: string; publicUrl: string },
): Promise<CreatedInvite> {
  const email = input.email.toLowerCase();
  const member = await db.membership.findFirst({ where: { teamId: input.teamId, user: { email } } });
  if (member) throw new ApiError("conflict", `email: ${email} is already a member of this team`, { retryable: false });
  const token = newSecretToken();
  const now = new Date();
  await db.invite.updateMany({
    where: { teamId: input.teamId, email, acceptedAt: null, revokedAt: null },
    data: { revokedAt: now },
  });
  const invite = await db.invite.create({
    data: {
      id: newUid(),
      teamId: input.teamId,
      email,
      role: input.role,
      tokenHash: hashSecretToken(token),
      invitedBy: input.invitedBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITE_LIFETIME_MS),
    },
  });
  return { ...presentInvite(invite), invite_url: inviteUrl(input.publicUrl, token) };
}

/** The team's invitations still waiting to be accepted (expired ones included, until replaced). */
export async function listPendingInvites(db: Db, teamId: string): Promise<InviteItem[]> {
  const invites = await db.invite.findMany({
    where: { teamId, acceptedAt: null, revokedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return invites.map(presentInvite);
}

export async function revokeInvite(db: Db, caller: UserPrincipal, uid: string): Promise<void> {
  const { count } = await db.invite.updateMany({
    where: { id: uid, teamId: caller.teamId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound("invitation", uid);
}

const linkNotValid = () =>
  new ApiError(
    "resource_not_found",
    "this invitation link is not valid: it was already used, withdrawn, or has expired; ask for a new one",
    { title: "Invitation not valid." },
  );

async function findUsableInvite(db: Db, token: string) {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashSecretToken(token) }, include: { team: true } });
  if (!invite || invite.acceptedAt || invite.revokedAt || invite.expiresAt <= new Date()) throw linkNotValid();
  return invite;
}

/** What the link offers, for the page that accepts it. */
export async function describeInvite(db: Db, token: string): Promise<InviteDetails> {
  const invite = await findUsableInvite(db, token);
  const existing = await db.user.findUnique({ where: { email: invite.email }, select: { id: true } });
  return {
    team: { uid: invite.team.id, name: invite.team.name },
    email: invite.email,
    role: invite.role,
    existing_user: existing !== null,
    expires_at: invite.expiresAt.toISOString(),
  };
}

/**
 * Accepts an invitation once: a new account is made with the name and password given; an existing account
 * must prove it with its password (paced like sign-in), and gains the membership. Returns whom to sign in,
 * and where.
 */
export async function acceptInvite(
  db: Db,
  body: AcceptInviteRequest,
  guard: { throttle: SignInThrottle; address: string },
) {
  const invite = await findUsableInvite(db, body.token);
  const existing = await db.user.findUnique({ where: { email: invite.email } });
  let passwordHash: string | undefined;
  if (existing) {
    await guard.throttle.admit(existing.email, guard.address);
    if (!existing.passwordHash || !(await verifyPassword(body.password, existing.passwordHash))) {
      await guard.throttle.failed(existing.email, guard.address);
      throw invalid(`password: is not the password of ${invite.email}`);
    }
    await guard.throttle.succeeded(existing.email);
  } else {
    if (!body.display_name) throw invalid("display_name: is required for a new account");
    const checked = NewPassword.safeParse(body.password);
    if (!checked.success) throw invalid(`password: ${checked.error.issues[0]?.message ?? "is not acceptable"}`);
    passwordHash = await hashPassword(body.password);
  }
  return db.$transaction(async (tx) => {
    const claimed = await tx.invite.updateMany({
      where: { id: invite.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date() },
    });
    if (claimed.count === 0) throw linkNotValid();
    const user =
      existing ??
      (await tx.user.create({
        data: { id: newUid(), email: invite.email, displayName: body.display_name!, passwordHash: passwordHash! },
      }));
    const membership = await tx.membership.upsert({
      where: { teamId_userId: { teamId: invite.teamId, userId: user.id } },
      create: { teamId: invite.teamId, userId: user.id, role: invite.role },
      update: {},
    });
    return { user, team: invite.team, role: membership.role };
  });
}
