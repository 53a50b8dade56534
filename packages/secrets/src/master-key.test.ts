import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadApiConfig, parseMasterKey } from "@oz/config";
import { deriveKey, resolveMasterKey } from "./master-key.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oz-master-key-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("OZ_MASTER_KEY", () => {
  const key = randomBytes(32);

  it("accepts 32 bytes as hex, base64 or URL-safe base64", () => {
    expect(parseMasterKey(key.toString("hex"))).toEqual(key);
    expect(parseMasterKey(key.toString("base64"))).toEqual(key);
    expect(parseMasterKey(`  ${key.toString("base64url")}\n`)).toEqual(key);
  });

  it("rejects anything else with a clear message that does not echo the value", () => {
    for (const bad of ["hunter2-hunter2", randomBytes(16).toString("hex"), randomBytes(33).toString("base64"), ""]) {
      let error: unknown;
      try {
        parseMasterKey(bad);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/must be 32 bytes written as base64 or 64 hex digits/);
      if (bad) expect((error as Error).message).not.toContain(bad);
    }
  });

  it("is parsed once by the config, which refuses a malformed key and a missing one in production", () => {
    expect(loadApiConfig({ OZ_MASTER_KEY: key.toString("base64") }).OZ_MASTER_KEY).toEqual(key);
    expect(() => loadApiConfig({ OZ_MASTER_KEY: "not-a-key" })).toThrow(/OZ_MASTER_KEY: must be 32 bytes/);
    expect(() => loadApiConfig({ NODE_ENV: "production" })).toThrow(/OZ_MASTER_KEY: required/);
  });
});

describe("resolving the master key", () => {
  it("uses OZ_MASTER_KEY when it is set, without a warning", async () => {
    const key = randomBytes(32);
    const resolved = await resolveMasterKey({ configured: key, production: true, devKeyFile: join(dir, "unused") });
    expect(resolved).toEqual({ key });
  });

  it("never falls back to a generated key in production", async () => {
    await expect(
      resolveMasterKey({ configured: undefined, production: true, devKeyFile: join(dir, "prod.key") }),
    ).rejects.toThrow(/OZ_MASTER_KEY is required/);
  });

  it("in development creates a private key file once, warns, and reuses it on every start", async () => {
    const devKeyFile = join(dir, "nested", ".data", "master.key");
    const first = await resolveMasterKey({ configured: undefined, production: false, devKeyFile });
    expect(first.key).toHaveLength(32);
    expect(first.warning).toMatch(/OZ_MASTER_KEY is not set/);
    expect((await stat(devKeyFile)).mode & 0o777).toBe(0o600);
    const second = await resolveMasterKey({ configured: undefined, production: false, devKeyFile });
    expect(second.key).toEqual(first.key);
    expect(parseMasterKey(await readFile(devKeyFile, "utf8"))).toEqual(first.key);
  });

  it("gives an API and a worker starting at the same moment the same key", async () => {
    const devKeyFile = join(dir, "race", "master.key");
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => resolveMasterKey({ configured: undefined, production: false, devKeyFile })),
    );
    for (const { key } of keys) expect(key).toEqual(keys[0]!.key);
  });

  it("names a corrupt key file instead of silently replacing it", async () => {
    const devKeyFile = join(dir, "corrupt.key");
    await writeFile(devKeyFile, "garbage\n");
    await expect(resolveMasterKey({ configured: undefined, production: false, devKeyFile })).rejects.toThrow(
      `${devKeyFile}: must be 32 bytes`,
    );
  });
});

describe("derived keys", () => {
  it("differ per purpose and are stable for one master key", () => {
    const master = randomBytes(32);
    expect(deriveKey(master, "a")).toEqual(deriveKey(master, "a"));
    expect(deriveKey(master, "a")).not.toEqual(deriveKey(master, "b"));
    expect(deriveKey(master, "a")).not.toEqual(master);
  });
});
