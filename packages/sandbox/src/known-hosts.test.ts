import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { knownHostsVerifier } from "./known-hosts.ts";

/** An ssh-ed25519 public key blob, as a server presents it and known_hosts stores it (base64). */
function hostKey(): Buffer {
  const raw = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const field = (data: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, data.length]), data]);
  return Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
}

/** A hashed host name as `ssh-keygen -H` writes it. */
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

describe("the known_hosts check of an ssh Docker host", () => {
  const [engine, other, revoked] = [hostKey(), hostKey(), hostKey()];
  const line = (hosts: string, key: Buffer, marker = "") =>
    `${marker}${hosts} ssh-ed25519 ${key.toString("base64")} comment`.trim();

  it("accepts the listed key of the host, by plain name, hashed name or non-default port", () => {
    expect(knownHostsVerifier(line("build-7.internal,10.0.0.7", engine), "10.0.0.7", 22)(engine)).toBe(true);
    expect(knownHostsVerifier(line(hashed("build-7.internal"), engine), "build-7.internal", 22)(engine)).toBe(true);
    expect(knownHostsVerifier(line("[build-7.internal]:2222", engine), "build-7.internal", 2222)(engine)).toBe(true);
    expect(knownHostsVerifier(line(hashed("[build-7.internal]:2222"), engine), "build-7.internal", 2222)(engine)).toBe(
      true,
    );
    expect(knownHostsVerifier(line("*.internal,!db.internal", engine), "build-7.internal", 22)(engine)).toBe(true);
  });

  it("refuses another key, an unknown host, a negated host and a revoked key: no trust on first use", () => {
    const knownHosts = [
      "# the build hosts",
      line("build-7.internal", engine),
      line("*.internal,!db.internal", other),
      line("build-7.internal", revoked, "@revoked "),
      line("build-7.internal", revoked),
    ].join("\n");
    expect(knownHostsVerifier(knownHosts, "build-7.internal", 22)(hostKey())).toBe(false);
    expect(knownHostsVerifier(knownHosts, "build-8.example", 22)(engine)).toBe(false);
    expect(knownHostsVerifier(knownHosts, "db.internal", 22)(other)).toBe(false);
    expect(knownHostsVerifier(knownHosts, "build-7.internal", 22)(revoked)).toBe(false);
    expect(knownHostsVerifier(knownHosts, "build-7.internal", 2222)(engine)).toBe(false);
    expect(knownHostsVerifier("", "build-7.internal", 22)(engine)).toBe(false);
  });
});
