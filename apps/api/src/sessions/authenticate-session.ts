import type { FastifyRequest } from "fastify";
import { CSRF_HEADER } from "@oz/contract";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";
import { sessionTokenOf } from "./session-cookie.ts";
import { findSessionPrincipal, type SessionPrincipal } from "./session-store.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Dashboard requests authenticate with the session cookie. Browsers attach cookies to requests other sites
 * make, so a state-changing request must also carry the CSRF header, which only our own scripts can set
 * (a custom header makes a cross-origin request preflighted, and we never allow that preflight).
 */
export function requireCsrfHeader(request: FastifyRequest) {
  if (request.headers[CSRF_HEADER] === undefined) {
    throw new ApiError(
      "not_authorized",
      `dashboard requests that change something must send the ${CSRF_HEADER} header`,
    );
  }
}

/**
 * The principal of a request's session cookie, or null without one. A stale cookie is a 401 where credentials
 * are required and is ignored on public routes (so the sign-in page keeps working).
 */
export async function authenticateSessionCookie(
  db: Db,
  request: FastifyRequest,
  mode: "required" | "public",
): Promise<SessionPrincipal | null> {
  const token = sessionTokenOf(request);
  if (!token) return null;
  const principal = await findSessionPrincipal(db, token);
  if (!principal) {
    if (mode === "public") return null;
    throw new ApiError("authentication_required", "your session has expired or was signed out; sign in again", {
      title: "Session expired.",
    });
  }
  if (!SAFE_METHODS.has(request.method)) requireCsrfHeader(request);
  return principal;
}
