import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** scrypt's work factors: N = 2^logN (CPU and memory), r (block size), p (parallelism). */
export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

/** OWASP's Password Storage Cheat Sheet minimum for scrypt: N=2^17, r=8, p=1 (128 MiB, ~0.3 s per hash). */
export const OWASP_SCRYPT_COST: ScryptCost = { logN: 17, r: 8, p: 1 };

/** What hashes written before costs were recorded used: Node's scrypt defaults. */
const LEGACY_COST: ScryptCost = { logN: 14, r: 8, p: 1 };

const KEY_LENGTH = 64;

function scryptAsync(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses more than 32 MiB unless told. At most libuv's thread pool size
  // (4 by default) of these run at once, which bounds the memory concurrent sign-ins can take.
  const options: ScryptOptions = { N: 2 ** cost.logN, r: cost.r, p: cost.p, maxmem: 256 * 2 ** cost.logN * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * `scrypt$ln=<logN>,r=<r>,p=<p>$<salt>$<hash>` (salt and hash base64), so a later cost can still verify it.
 * The cost is a parameter for tests that need old or cheap hashes; everything else uses OWASP's.
 */
export async function hashPassword(password: string, cost: ScryptCost = OWASP_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, cost);
  return `scrypt$ln=${cost.logN},r=${cost.r},p=${cost.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

interface StoredHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

/** Reads both formats: today's with its cost, and the older `scrypt$<salt>$<hash>` at Node's defaults. */
function parseStored(stored: string): StoredHash | undefined {
  const parts = stored.split("$");
  if (parts[0] !== "scrypt") return undefined;
  if (parts.length === 3) return decode(LEGACY_COST, parts[1], parts[2]);
  const params = /^ln=(\d+),r=(\d+),p=(\d+)$/.exec(parts[1] ?? "");
  if (parts.length !== 4 || !params) return undefined;
  return decode({ logN: Number(params[1]), r: Number(params[2]), p: Number(params[3]) }, parts[2], parts[3]);
}

function decode(cost: ScryptCost, salt: string | undefined, hash: string | undefined): StoredHash | undefined {
  if (!salt || !hash) return undefined;
  return { cost, salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const actual = await scryptAsync(password, parsed.salt, parsed.cost);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** A stored hash cheaper than `cost` (or unreadable) should be replaced the next time its password is known. */
export function passwordNeedsRehash(stored: string, cost: ScryptCost = OWASP_SCRYPT_COST): boolean {
  const parsed = parseStored(stored);
  if (!parsed) return true;
  const { logN, r, p } = parsed.cost;
  return logN < cost.logN || r < cost.r || p < cost.p;
}
