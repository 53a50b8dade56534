import { createHash, randomBytes } from "node:crypto";

/** 256 random bits: the cookie value. Only its hash is stored, so a leaked table signs nobody in. */
export const newSessionToken = (): string => randomBytes(32).toString("base64url");

export const hashSessionToken = (token: string): string => createHash("sha256").update(token).digest("hex");
