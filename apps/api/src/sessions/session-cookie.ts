import { parseCookie, stringifySetCookie } from "cookie";
import type { FastifyReply, FastifyRequest } from "fastify";

export const SESSION_COOKIE = "oz_session";

/** The session token the browser sent, if any. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[SESSION_COOKIE] || undefined;
}

/**
 * HttpOnly so scripts never see it, SameSite=Lax so other sites' forms and fetches do not carry it, and Secure
 * whenever the server is reached over https. A max age of 0 clears it.
 */
export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean) {
  reply.header(
    "set-cookie",
    stringifySetCookie({
      name: SESSION_COOKIE,
      value: token,
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      maxAge: maxAgeSeconds,
    }),
  );
}

export const clearSessionCookie = (reply: FastifyReply, secure: boolean) => setSessionCookie(reply, "", 0, secure);
