import { z } from "zod";
import { Timestamp } from "./common.ts";

// Ours: dashboard sign-in (`/auth/*`) and the team's members (`/team/members`). API clients use keys instead.

/** The header every state-changing dashboard request carries; browsers only send it from our own scripts. */
export const CSRF_HEADER = "x-oz-csrf";

export const TeamRole = z.enum(["admin", "member"]);
export type TeamRole = z.infer<typeof TeamRole>;

export const LoginRequest = z
  .object({
    email: z.string().trim().min(1, "email is required").max(320),
    password: z.string().min(1, "password is required").max(1024),
  })
  .meta({ id: "LoginRequest" });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const SessionUser = z.object({
  uid: z.string(),
  email: z.string(),
  display_name: z.string(),
  role: TeamRole,
  /** May create teams (GET/POST /teams). */
  instance_admin: z.boolean().optional(),
});

/** The signed-in user and the team the session acts in. */
export const SessionResponse = z
  .object({
    user: SessionUser,
    team: z.object({ uid: z.string(), name: z.string() }),
    expires_at: Timestamp.optional(),
  })
  .meta({ id: "SessionResponse" });
export type SessionResponse = z.infer<typeof SessionResponse>;

export const TeamMember = z
  .object({
    uid: z.string(),
    email: z.string(),
    display_name: z.string(),
    role: TeamRole,
    joined_at: Timestamp,
  })
  .meta({ id: "TeamMember" });
export type TeamMember = z.infer<typeof TeamMember>;

export const ListTeamMembersResponse = z
  .object({ members: z.array(TeamMember) })
  .meta({ id: "ListTeamMembersResponse" });
export type ListTeamMembersResponse = z.infer<typeof ListTeamMembersResponse>;
