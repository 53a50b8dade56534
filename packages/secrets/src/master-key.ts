import { hkdfSync, randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { ConfigError, parseMasterKey } from "@oz/config";

export interface MasterKeyOptions {
  /** `OZ_MASTER_KEY` as the config parsed it. */
  configured: Buffer | undefined;
  /** Production never falls back to a generated key (the config refuses to start without one). */
  production: boolean;
  /** Where a development machine keeps its generated key (`DEV_MASTER_KEY_FILE`). */
  devKeyFile: string;
}

export interface ResolvedMasterKey {
  key: Buffer;
  /** Set when the key came from the development key file: the caller logs it. */
  warning?: string;
}

/**
 * The platform's master key: `OZ_MASTER_KEY` when set; otherwise, outside production, a random key kept in
 * `devKeyFile` (created with mode 0600 on first use) so that secrets survive restarts and the API and the worker
 * of one machine agree on it.
 */
export async function resolveMasterKey(options: MasterKeyOptions): Promise<ResolvedMasterKey> {
  if (options.configured) return { key: options.configured };
  if (options.production) throw new ConfigError("OZ_MASTER_KEY is required when NODE_ENV=production");
  const key = await readOrCreateKeyFile(options.devKeyFile);
  return {
    key,
    warning:
      `OZ_MASTER_KEY is not set: using the development key in ${options.devKeyFile}. ` +
      "Set OZ_MASTER_KEY (openssl rand -base64 32) before storing real secrets; " +
      "production refuses to start without it.",
  };
}

async function readOrCreateKeyFile(file: string): Promise<Buffer> {
  try {
    return parseKeyFile(file, await readFile(file, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Write a temporary file, then hard-link it into place: link() fails if another process (the worker
  // starting next to the API) got there first, and nobody ever reads a half-written key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await unlink(tmp);
  }
  return parseKeyFile(file, await readFile(file, "utf8"));
}

function parseKeyFile(file: string, text: string): Buffer {
  try {
    return parseMasterKey(text);
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * A key for one purpose, derived from the master key with HKDF-SHA256, so that encrypting secrets and signing
 * download links never share key material.
 */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), `oz/${purpose}`, 32));
}
