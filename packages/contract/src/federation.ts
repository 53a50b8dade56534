import { z } from "zod";
import { Timestamp } from "./common.ts";

// Ours: the request behind `oz federate issue-token`, `POST /agent/runs/{runId}/federated-token`,
// authenticated with the run credential the platform puts into the run's sandbox ($OZ_RUN_TOKEN).

/** The components a token's `sub` claim is built from, joined with `:` in the order given. */
export const SubjectComponent = z
  .enum([
    "principal",
    "scoped_principal",
    "email",
    "teams",
    "environment",
    "agent_name",
    "skill_spec",
    "run_id",
    "host",
  ])
  .meta({ id: "SubjectComponent" });
export type SubjectComponent = z.infer<typeof SubjectComponent>;

/** `15m`, `1h`, `2h30m`, `90s`: hours, minutes and seconds in that order, as the `oz` CLI writes durations. */
export const TOKEN_DURATION_PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds of a duration written like `2h30m`; undefined when it is not one (or is zero). */
export function durationSeconds(text: string): number | undefined {
  const match = TOKEN_DURATION_PATTERN.exec(text.trim());
  if (!match || text.trim() === "") return undefined;
  const [, hours = "0", minutes = "0", seconds = "0"] = match;
  const total = Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
  return total > 0 ? total : undefined;
}

export const IssueFederatedTokenRequest = z
  .object({
    audience: z
      .string()
      .trim()
      .min(1, "audience is required")
      .max(512)
      .describe("The token's `aud` claim: what the relying party expects (e.g. `sts.amazonaws.com`)."),
    duration: z
      .string()
      .refine((text) => durationSeconds(text) !== undefined, "duration must look like 15m, 1h or 2h30m")
      .optional()
      .describe("Lifetime, e.g. `15m`, `1h`, `2h30m`; default `1h`, at most the server's maximum."),
    subject_template: z
      .array(SubjectComponent)
      .min(1)
      .max(9)
      .optional()
      .describe("Components joined with `:` into the `sub` claim, in this order; default `[principal]`."),
  })
  .meta({ id: "IssueFederatedTokenRequest" });
export type IssueFederatedTokenRequest = z.infer<typeof IssueFederatedTokenRequest>;

export const FederatedTokenResponse = z
  .object({
    token: z.string().describe("The signed JWT (RS256), verifiable with the issuer's JWKS."),
    issuer: z.string(),
    subject: z.string(),
    audience: z.string(),
    expires_at: Timestamp,
  })
  .meta({ id: "FederatedTokenResponse" });
export type FederatedTokenResponse = z.infer<typeof FederatedTokenResponse>;
