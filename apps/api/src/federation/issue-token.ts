import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { RUN_CREDENTIAL_STATES, type CredentialRun } from "@oz/auth";
import {
  durationSeconds,
  type FederatedTokenResponse,
  type IssueFederatedTokenRequest,
  type SubjectComponent,
} from "@oz/contract";
import type { Db } from "@oz/db";
import { forbidden, invalid, notFound } from "@oz/errors";
import { SIGNING_ALG, type SigningKeyStore } from "./signing-keys.ts";

/** A token lives an hour unless the caller asks otherwise. */
const DEFAULT_DURATION_SECONDS = 3600;

export interface IssueTokenDeps {
  db: Db;
  signingKeys: Pick<SigningKeyStore, "signingKey">;
  /** The issuer (`iss`): OZ_PUBLIC_URL, where `/.well-known/openid-configuration` is served. */
  issuer: string;
  /** The longest lifetime a caller may ask for (OZ_OIDC_MAX_TOKEN_SECONDS). */
  maxTokenSeconds: number;
}

/** What a token says about its run: the values of the subject components and of the claims beside `sub`. */
interface RunIdentity {
  runId: string;
  teamId: string;
  principal: string;
  email?: string;
  environmentId?: string;
  agentName?: string;
  skillSpec?: string;
  host?: string;
}

/**
 * Signs an OIDC identity token for the run whose credential called. Only that run, and only
 * while it executes: a credential outlives neither, so a token leaked from a finished run's logs mints nothing.
 */
export async function issueFederatedToken(
  deps: IssueTokenDeps,
  caller: CredentialRun,
  runId: string,
  request: IssueFederatedTokenRequest,
): Promise<FederatedTokenResponse> {
  if (caller.id !== runId) {
    throw forbidden(`this run credential belongs to another run; a sandbox may obtain tokens for its own run only`);
  }
  if (!(RUN_CREDENTIAL_STATES as readonly string[]).includes(caller.state)) {
    throw forbidden(`run ${runId} is ${caller.state}: tokens are issued only while the run is in progress`);
  }
  const seconds = request.duration === undefined ? DEFAULT_DURATION_SECONDS : durationSeconds(request.duration)!;
  if (seconds > deps.maxTokenSeconds) {
    throw invalid(
      `duration: ${request.duration} is longer than this server's maximum of ${formatDuration(deps.maxTokenSeconds)}`,
    );
  }
  const identity = await runIdentity(deps.db, runId);
  const subject = (request.subject_template ?? ["principal"])
    .map((component, index) => renderComponent(identity, component, index))
    .join(":");

  const { kid, key } = await deps.signingKeys.signingKey();
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + seconds;
  const token = await new SignJWT({
    run_id: identity.runId,
    principal: identity.principal,
    team_uid: identity.teamId,
    ...(identity.email && { email: identity.email }),
    ...(identity.environmentId && { environment_uid: identity.environmentId }),
    ...(identity.agentName && { agent_name: identity.agentName }),
    ...(identity.skillSpec && { skill_spec: identity.skillSpec }),
    ...(identity.host && { host: identity.host }),
  })
    .setProtectedHeader({ alg: SIGNING_ALG, kid, typ: "JWT" })
    .setIssuer(deps.issuer)
    .setSubject(subject)
    .setAudience(request.audience)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(randomUUID())
    .sign(key);
  return {
    token,
    issuer: deps.issuer,
    subject,
    audience: request.audience,
    expires_at: new Date(expiresAt * 1000).toISOString(),
  };
}

async function runIdentity(db: Db, runId: string): Promise<RunIdentity> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      teamId: true,
      executorKind: true,
      executorId: true,
      environmentId: true,
      configName: true,
      skillSpec: true,
      workerHost: true,
    },
  });
  if (!run) throw notFound("run", runId);
  const email =
    run.executorKind === "user"
      ? (await db.user.findUnique({ where: { id: run.executorId }, select: { email: true } }))?.email
      : undefined;
  return {
    runId: run.id,
    teamId: run.teamId,
    principal: `${run.executorKind}:${run.executorId}`,
    ...(email && { email }),
    ...(run.environmentId && { environmentId: run.environmentId }),
    ...(run.configName && { agentName: run.configName }),
    ...(run.skillSpec && { skillSpec: run.skillSpec }),
    ...(run.workerHost && { host: run.workerHost }),
  };
}

/** One component of `sub`; a component the run has no value for is refused rather than left empty. */
function renderComponent(identity: RunIdentity, component: SubjectComponent, index: number): string {
  const missing = (what: string) => invalid(`subject_template[${index}]: ${component} — ${what}`);
  switch (component) {
    case "principal":
      return identity.principal;
    case "scoped_principal":
      return `principal:${identity.teamId}/${identity.principal}`;
    case "email":
      if (!identity.email) throw missing("the run executes as a cloud agent, which has no email address");
      return `email:${identity.email}`;
    case "teams":
      return `teams:${identity.teamId}`;
    case "environment":
      if (!identity.environmentId) throw missing("the run has no environment");
      return `environment:${identity.environmentId}`;
    case "agent_name":
      if (!identity.agentName) throw missing("the run's config has no name");
      return `agent_name:${identity.agentName}`;
    case "skill_spec":
      if (!identity.skillSpec) throw missing("the run has no skill");
      return `skill_spec:${identity.skillSpec}`;
    case "run_id":
      return `run_id:${identity.runId}`;
    case "host":
      if (!identity.host) throw missing("the run names no self-hosted worker host");
      return `host:${identity.host}`;
  }
}

/** `12h`, `90m`, `45s`: the maximum as a person would write it. */
function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
