import { createHash, randomBytes } from "node:crypto";

/**
 * 256 random bits, URL-safe: session cookies, the setup link, invitation links. Only `hashToken` of one is
 * stored, so a leaked table lets nobody in; random tokens need no slow KDF.
 */
export const newSecretToken = (): string => randomBytes(32).toString("base64url");

export const hashSecretToken = (token: string): string => createHash("sha256").update(token).digest("hex");
