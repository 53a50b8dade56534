import { z } from "zod";
import { Timestamp } from "./common.ts";
import { SessionResponse, TeamRole } from "./sessions.ts";

// Ours: the first admin's setup, invitations, members' roles, passwords and teams (the dashboard's accounts).

/** New passwords: long enough to resist guessing, short enough to hash quickly. */
export const NewPassword = z.string().min(8, "must be at least 8 characters").max(1024);

const Email = z.email("must be an email address").trim().toLowerCase().max(320);
const DisplayName = z.string().trim().min(1, "is required").max(200);
const TeamName = z.string().trim().min(1, "is required").max(200);

export const SetupStatus = z
  .object({ setup_required: z.literal(true), expires_at: Timestamp.optional() })
  .meta({ id: "SetupStatus" });
export type SetupStatus = z.infer<typeof SetupStatus>;

export const SetupRequest = z
  .object({
    token: z.string().min(1, "is required").max(200),
    team_name: TeamName,
    display_name: DisplayName,
    email: Email,
    password: NewPassword,
  })
  .meta({ id: "SetupRequest" });
export type SetupRequest = z.infer<typeof SetupRequest>;

/** The new admin's session, and their first API key, shown this once. */
export const SetupResponse = SessionResponse.extend({ api_key: z.string() }).meta({ id: "SetupResponse" });
export type SetupResponse = z.infer<typeof SetupResponse>;

export const CreateInviteRequest = z
  .object({ email: Email, role: TeamRole.default("member") })
  .meta({ id: "CreateInviteRequest" });
export type CreateInviteRequest = z.input<typeof CreateInviteRequest>;

export const InviteItem = z
  .object({
    uid: z.string(),
    email: z.string(),
    role: TeamRole,
    created_at: Timestamp,
    expires_at: Timestamp,
  })
  .meta({ id: "InviteItem" });
export type InviteItem = z.infer<typeof InviteItem>;

/** The link carries the only copy of the invitation's token: hand it to the invitee. */
export const CreatedInvite = InviteItem.extend({ invite_url: z.string() }).meta({ id: "CreatedInvite" });
export type CreatedInvite = z.infer<typeof CreatedInvite>;

export const ListInvitesResponse = z.object({ invites: z.array(InviteItem) }).meta({ id: "ListInvitesResponse" });
export type ListInvitesResponse = z.infer<typeof ListInvitesResponse>;

export const InviteTokenRequest = z
  .object({ token: z.string().min(1, "is required").max(200) })
  .meta({ id: "InviteTokenRequest" });

/** What an invitation link offers, for the page that accepts it. */
export const InviteDetails = z
  .object({
    team: z.object({ uid: z.string(), name: z.string() }),
    email: z.string(),
    role: TeamRole,
    /** The email already has an account: accepting takes its password and adds the membership. */
    existing_user: z.boolean(),
    expires_at: Timestamp,
  })
  .meta({ id: "InviteDetails" });
export type InviteDetails = z.infer<typeof InviteDetails>;

export const AcceptInviteRequest = z
  .object({
    token: z.string().min(1, "is required").max(200),
    /** A new account's name (ignored for an existing one). */
    display_name: DisplayName.optional(),
    /** A new account's password, or an existing account's current one. */
    password: z.string().min(1, "is required").max(1024),
  })
  .meta({ id: "AcceptInviteRequest" });
export type AcceptInviteRequest = z.infer<typeof AcceptInviteRequest>;

export const UpdateMemberRequest = z.object({ role: TeamRole }).meta({ id: "UpdateMemberRequest" });
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequest>;

export const MemberUidParams = z.object({ uid: z.string().min(1) });
export const InviteUidParams = z.object({ uid: z.string().min(1) });

export const ChangePasswordRequest = z
  .object({ current_password: z.string().min(1, "is required").max(1024), new_password: NewPassword })
  .meta({ id: "ChangePasswordRequest" });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

/** A team the signed-in user belongs to, with their role in it. */
export const MyTeam = z
  .object({ uid: z.string(), name: z.string(), role: TeamRole, current: z.boolean() })
  .meta({ id: "MyTeam" });
export type MyTeam = z.infer<typeof MyTeam>;

export const ListMyTeamsResponse = z.object({ teams: z.array(MyTeam) }).meta({ id: "ListMyTeamsResponse" });
export type ListMyTeamsResponse = z.infer<typeof ListMyTeamsResponse>;

export const SwitchTeamRequest = z
  .object({ team_uid: z.string().min(1, "is required") })
  .meta({ id: "SwitchTeamRequest" });
export type SwitchTeamRequest = z.infer<typeof SwitchTeamRequest>;

/** A team of the instance, as its administrators see it. */
export const InstanceTeam = z
  .object({ uid: z.string(), name: z.string(), member_count: z.number().int(), created_at: Timestamp })
  .meta({ id: "InstanceTeam" });
export type InstanceTeam = z.infer<typeof InstanceTeam>;

export const ListTeamsResponse = z.object({ teams: z.array(InstanceTeam) }).meta({ id: "ListTeamsResponse" });
export type ListTeamsResponse = z.infer<typeof ListTeamsResponse>;

export const CreateTeamRequest = z.object({ name: TeamName, admin_email: Email }).meta({ id: "CreateTeamRequest" });
export type CreateTeamRequest = z.infer<typeof CreateTeamRequest>;

/** The new team and the invitation of its first admin. */
export const CreatedTeamResponse = z
  .object({ team: InstanceTeam, invite: CreatedInvite })
  .meta({ id: "CreatedTeamResponse" });
export type CreatedTeamResponse = z.infer<typeof CreatedTeamResponse>;
