import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  authenticateApiKey,
  authenticateRunCredential,
  type CredentialRun,
  type ListeningPrincipalCache,
  type Principal,
  type UserPrincipal,
} from "@oz/auth";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";
import { authenticateSessionCookie } from "../sessions/authenticate-session.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook on every authenticated route. */
    principal: Principal | null;
    /**
     * Authenticates the request's credentials again, as its first request did: a long-lived response (an
     * SSE stream) calls it to notice a revoked key or an ended session. Rejects with a 401 ApiError.
     */
    reauthenticate: () => Promise<Principal | null>;
    /** Set on `auth: "run"` routes: the run whose sandbox credential (`$OZ_RUN_TOKEN`) called. */
    runCredential: CredentialRun | null;
  }
  interface FastifyContextConfig {
    /**
     * `public`: no credentials needed (a present but invalid one is still a 401). `run`: only a
     * run credential (`ozr-…`, from inside a run's sandbox) — no API key or session. `route`: the route checks a
     * credential of its own that is neither (the metrics scrape token).
     */
    auth?: "required" | "public" | "run" | "route";
    /**
     * The route changes what an API key's principal is built from (revokes a key, deletes or renames an
     * agent): it answers only once this process's principal cache has heard of the change.
     */
    changesPrincipals?: boolean;
  }
}

/**
 * Reads `Authorization: Bearer wk-…` (or else the session cookie) on every route unless the route says
 * `config: { auth: "public" }`. API keys are resolved through `principals`' cache when given.
 */
export function registerAuth(app: FastifyInstance, db: Db, principals?: ListeningPrincipalCache) {
  app.decorateRequest("principal", null);
  app.decorateRequest("reauthenticate", async () => null);
  app.decorateRequest("runCredential", null);
  const authenticate = async (request: FastifyRequest): Promise<Principal | null> => {
    const mode = request.routeOptions.config?.auth === "public" ? "public" : "required";
    const header = request.headers.authorization;
    if (!header) {
      // Without a key, the dashboard's session cookie (src/sessions) may stand in for one.
      const principal = await authenticateSessionCookie(db, request, mode);
      if (principal || mode === "public") return principal;
      throw new ApiError("authentication_required", "send Authorization: Bearer <API key>");
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1])
      throw new ApiError("authentication_required", "the Authorization header must be 'Bearer <API key>'");
    return authenticateApiKey(db, match[1], { cache: principals?.cache });
  };
  app.addHook("onRequest", async (request: FastifyRequest) => {
    if (request.is404) return; // unknown routes answer 404 whoever asks
    if (request.routeOptions.config?.auth === "route") return;
    if (request.routeOptions.config?.auth === "run") {
      request.runCredential = await authenticateRunCredential(db, bearerToken(request.headers.authorization));
      return;
    }
    request.principal = await authenticate(request);
    request.reauthenticate = () => authenticate(request);
  });
  if (principals) {
    // Postgres notifies every replica at commit, but each hears it in its own time; answering only once every
    // replica has acknowledged means the caller's very next request, to any of them, cannot race ahead of it.
    app.addHook("onSend", async (request) => {
      if (request.routeOptions.config?.changesPrincipals) await principals.settle();
    });
  }
}

/** The token of `Authorization: Bearer <token>`; 401 when the header is missing or malformed. */
function bearerToken(header: string | undefined): string {
  const token = header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) throw new ApiError("authentication_required", "send Authorization: Bearer $OZ_RUN_TOKEN");
  return token;
}

/** The run whose credential called an `auth: "run"` route. */
export function runCredentialOf(request: FastifyRequest): CredentialRun {
  if (!request.runCredential) throw new ApiError("authentication_required", "send Authorization: Bearer $OZ_RUN_TOKEN");
  return request.runCredential;
}

/** The authenticated principal of a route that requires auth. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError("authentication_required", "send Authorization: Bearer <API key>");
  return request.principal;
}

/**
 * For changes only people may make (cloud agents; and ours: environments, secrets, keys). A cloud
 * agent's key that could write these could widen its own access: name any team secret in an environment
 * its runs use, mint keys, grant itself secrets. 403 `not_authorized`.
 */
export function requireHuman(request: FastifyRequest, action = "manage agent identities"): UserPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== "user") {
    throw new ApiError("not_authorized", `cloud agents cannot ${action}; use a personal API key`);
  }
  return principal;
}
