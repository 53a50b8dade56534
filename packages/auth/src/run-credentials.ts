import { ACTIVE_RUN_STATES } from "@oz/contract/run-states";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";
import { hashSecretToken, newSecretToken } from "./one-time-tokens.ts";

/** Run credentials look like no API key, so neither can be mistaken for the other. */
export const RUN_CREDENTIAL_PREFIX = "ozr-";

/** The run states in which a run's sandbox exists and its credential works: from setup until the run ends. */
export const RUN_CREDENTIAL_STATES = ACTIVE_RUN_STATES;

/**
 * Mints the credential of a run's execution and keeps only its hash: the worker puts the value into the run's
 * sandbox (redacted like a secret). A new execution (a follow-up, a retry) replaces the previous one.
 */
export async function issueRunCredential(db: Db, runId: string): Promise<string> {
  const raw = `${RUN_CREDENTIAL_PREFIX}${newSecretToken()}`;
  const tokenHash = hashSecretToken(raw);
  await db.runCredential.upsert({
    where: { runId },
    create: { runId, tokenHash },
    update: { tokenHash, createdAt: new Date() },
  });
  return raw;
}

/** The run a credential belongs to, as the credential's checks need it. */
export interface CredentialRun {
  id: string;
  teamId: string;
  state: string;
}

/**
 * The run a bearer run credential belongs to. Unknown or replaced credentials are 401; the caller decides what
 * the run's state allows (`RUN_CREDENTIAL_STATES`).
 */
export async function authenticateRunCredential(db: Db, raw: string): Promise<CredentialRun> {
  if (!raw.startsWith(RUN_CREDENTIAL_PREFIX)) {
    throw new ApiError(
      "authentication_required",
      "this endpoint takes the run credential a running sandbox has in $OZ_RUN_TOKEN, not an API key",
    );
  }
  const found = await db.runCredential.findUnique({
    where: { tokenHash: hashSecretToken(raw) },
    select: { run: { select: { id: true, teamId: true, state: true } } },
  });
  if (!found) throw new ApiError("authentication_required", "the run credential is unknown or was replaced");
  return found.run;
}
