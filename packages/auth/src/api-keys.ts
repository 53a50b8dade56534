import { createHash } from "node:crypto";
import { customAlphabet } from "nanoid";

const randomKeyBody = customAlphabet("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 40);

export const API_KEY_PREFIX = "wk-";

/** Keys are 238 bits of randomness, so one SHA-256 is enough; a slow KDF would only slow every request. */
export const hashApiKey = (raw: string): string => createHash("sha256").update(raw).digest("hex");

export const keySuffix = (raw: string): string => raw.slice(-4);

export const maskKey = (suffix: string): string => `${API_KEY_PREFIX}**${suffix}`;

export function generateApiKey(): { raw: string; hash: string; suffix: string } {
  const raw = API_KEY_PREFIX + randomKeyBody();
  return { raw, hash: hashApiKey(raw), suffix: keySuffix(raw) };
}

const DAY_MS = 86_400_000;
const EXPIRY_DAYS = { "1d": 1, "30d": 30, "90d": 90 } as const;

export function expiryDate(expiresIn: "1d" | "30d" | "90d" | "never", now = new Date()): Date | null {
  return expiresIn === "never" ? null : new Date(now.getTime() + EXPIRY_DAYS[expiresIn] * DAY_MS);
}
