import { z } from "zod";
import { ErrorCode, PrincipalType, ScopeType } from "./enums.ts";

/** RFC 3339 instant with `Z` or a numeric offset and optional fractional seconds. */
export const Timestamp = z.iso.datetime({ offset: true });

/** 22 characters of base 62: environment, agent, team, user and key UIDs. */
export const Uid = z.string().regex(/^[A-Za-z0-9]{22}$/, "must be 22 letters or digits");

export const UserProfile = z
  .object({
    uid: z.string().optional(),
    type: PrincipalType.optional(),
    display_name: z.string().optional(),
    email: z.string().optional(),
    photo_url: z.string().optional(),
  })
  .meta({ id: "UserProfile" });
export type UserProfile = z.infer<typeof UserProfile>;

export const Scope = z.object({ type: ScopeType, uid: z.string().optional() }).meta({ id: "Scope" });
export type Scope = z.infer<typeof Scope>;

/** The RFC 7807 problem document every error is sent as. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    error: z.string(),
    retryable: z.boolean().optional(),
    trace_id: z.string().optional(),
    auth_url: z.string().optional(),
    provider: z.string().optional(),
  })
  .meta({ id: "Problem" });
export type Problem = z.infer<typeof Problem>;

export { ErrorCode };
