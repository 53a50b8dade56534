import { createHmac, timingSafeEqual } from "node:crypto";
import { deriveKey } from "@oz/secrets";
import { API_PREFIX } from "../http/openapi.ts";

/** Signed, expiring artifact download links on our own origin, fetchable without an API key. */
export interface ArtifactUrlSigner {
  sign(artifactUid: string): { url: string; expiresAt: Date };
  /** True when `signature` was made by this server for this artifact and `expires` has not passed. */
  verify(artifactUid: string, expires: string | undefined, signature: string | undefined): boolean;
}

export interface ArtifactUrlSignerOptions {
  /** How long a link stays valid. Default 15 minutes. */
  ttlSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/** Links are HMAC-SHA256 over the artifact and expiry, keyed by a key derived from the master key. */
export function createArtifactUrlSigner(
  masterKey: Buffer,
  publicUrl: string,
  { ttlSeconds = 15 * 60, now = Date.now }: ArtifactUrlSignerOptions = {},
): ArtifactUrlSigner {
  const key = deriveKey(masterKey, "artifact-download-urls/v1");
  const base = `${publicUrl.replace(/\/$/, "")}${API_PREFIX}/agent/artifacts`;
  const mac = (artifactUid: string, expires: string) =>
    createHmac("sha256", key).update(`${artifactUid}\n${expires}`).digest();

  return {
    sign(artifactUid) {
      const expires = String(Math.floor(now() / 1000) + ttlSeconds);
      const signature = mac(artifactUid, expires).toString("base64url");
      const url = `${base}/${encodeURIComponent(artifactUid)}/download?expires=${expires}&signature=${signature}`;
      return { url, expiresAt: new Date(Number(expires) * 1000) };
    },
    verify(artifactUid, expires, signature) {
      if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
      if (Number(expires) * 1000 <= now()) return false;
      const given = Buffer.from(signature, "base64url");
      const expected = mac(artifactUid, expires);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
