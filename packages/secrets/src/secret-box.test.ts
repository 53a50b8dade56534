import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox, SecretDecryptionError } from "./secret-box.ts";

const acme = { teamId: "team-acme", name: "GITHUB_TOKEN" };

describe("secret box (AES-256-GCM at rest)", () => {
  const box = createSecretBox(randomBytes(32));

  it("decrypts what it encrypted, including multi-byte text", () => {
    for (const value of ["ghp_abc123", "pässwörd ✓ 🔑", "line one\nline two", "x".repeat(65536)]) {
      expect(box.decrypt(box.encrypt(value, acme), acme)).toBe(value);
    }
  });

  it("writes version byte, 12-byte IV, ciphertext and 16-byte tag, never the plaintext", () => {
    const data = box.encrypt("ghp_abc123", acme);
    expect(data[0]).toBe(1);
    expect(data.length).toBe(1 + 12 + "ghp_abc123".length + 16);
    expect(data.includes(Buffer.from("ghp_abc123"))).toBe(false);
  });

  it("uses a fresh IV every time, so equal values do not look equal at rest", () => {
    expect(box.encrypt("same", acme).equals(box.encrypt("same", acme))).toBe(false);
  });

  it("refuses a ciphertext moved to another team or another name", () => {
    const data = box.encrypt("ghp_abc123", acme);
    expect(() => box.decrypt(data, { ...acme, teamId: "team-globex" })).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(data, { ...acme, name: "OTHER" })).toThrow(SecretDecryptionError);
  });

  it("refuses data encrypted under another master key or altered by one bit", () => {
    const data = box.encrypt("ghp_abc123", acme);
    expect(() => createSecretBox(randomBytes(32)).decrypt(data, acme)).toThrow(/another master key/);
    const tampered = Buffer.from(data);
    tampered[20]! ^= 1;
    expect(() => box.decrypt(tampered, acme)).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(Buffer.of(2, ...data.subarray(1)), acme)).toThrow(/not in a format/);
  });

  it("needs a 32-byte key", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
