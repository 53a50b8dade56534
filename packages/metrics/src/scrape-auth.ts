import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether an `Authorization` header carries the scrape token. Compared as SHA-256 digests in constant time, so
 * neither the token's length nor a matching prefix shows in the answer's timing.
 */
export function scrapeTokenMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

const digest = (text: string) => createHash("sha256").update(text).digest();
