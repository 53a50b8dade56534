import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { Prisma, type Db } from "@oz/db";
import type { SecretBox } from "@oz/secrets";

/** RS256: what every relying party takes (AWS STS, GCP workload identity federation, Azure, Vault). */
export const SIGNING_ALG = "RS256";

/** The associated data private keys are encrypted under: no team secret's ciphertext can stand in for one. */
const keyAddress = (kid: string) => ({ teamId: "@oidc-signing-keys", name: kid });

/** Seconds added to a retired key's time in the JWKS: relying parties allow clock skew past `exp`. */
const OVERLAP_SLACK_SECONDS = 300;

/** How long this process reuses the current key before asking the database again (rotation by another replica). */
const CURRENT_KEY_CACHE_MS = 30_000;

export interface SigningKeySettings {
  /** A key signs for this long before a new one takes over. */
  rotationMs: number;
  /** The longest token lifetime: a retired key stays published this long (plus slack) after its last token. */
  maxTokenSeconds: number;
}

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

/**
 * The OIDC issuer's keys, kept in `oidc_signing_keys` with the private half encrypted by the master key. One key
 * signs at a time; rotating retires it but keeps it in the JWKS until every token it signed has expired, so a
 * relying party never meets a token whose key it cannot fetch. Replicas agree through the database: whoever
 * rotates does so under an advisory lock, and the others pick the new key up within half a minute.
 */
export class SigningKeyStore {
  private cached: { key: SigningKey; until: number; rotateAt: number } | undefined;

  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
    private readonly settings: SigningKeySettings,
  ) {}

  /** The key to sign with now; made on first use, replaced when it is older than the rotation period. */
  async signingKey(): Promise<SigningKey> {
    const now = Date.now();
    if (this.cached && now < this.cached.until && now < this.cached.rotateAt) return this.cached.key;
    return this.refresh(false);
  }

  /** Retires the current key now (it stays published until its tokens expire) and signs with a new one. */
  async rotate(): Promise<string> {
    return (await this.refresh(true)).kid;
  }

  /** Public keys of the JWKS: the current key and every retired one whose tokens may still be valid. */
  async publishedKeys(): Promise<JWK[]> {
    const rows = await this.db.oidcSigningKey.findMany({
      where: { OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
      orderBy: { createdAt: "desc" },
      select: { publicJwk: true },
    });
    return rows.map((row) => row.publicJwk as JWK);
  }

  private async refresh(force: boolean): Promise<SigningKey> {
    const row = await this.db.$transaction(async (tx) => {
      await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtext('oz-oidc-signing-keys'))`);
      const now = new Date();
      const current = await tx.oidcSigningKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: "desc" } });
      if (current && !force && now.getTime() - current.createdAt.getTime() < this.settings.rotationMs) return current;
      if (current) {
        const publishedFor = (this.settings.maxTokenSeconds + OVERLAP_SLACK_SECONDS) * 1000;
        await tx.oidcSigningKey.update({
          where: { kid: current.kid },
          data: { retiredAt: now, expiresAt: new Date(now.getTime() + publishedFor) },
        });
      }
      return tx.oidcSigningKey.create({ data: await this.newKey() });
    });
    const key: SigningKey = {
      kid: row.kid,
      key: (await importJWK(
        JSON.parse(this.box.decrypt(Buffer.from(row.privateKeyCiphertext), keyAddress(row.kid))) as JWK,
        SIGNING_ALG,
      )) as CryptoKey,
    };
    const now = Date.now();
    this.cached = {
      key,
      until: now + CURRENT_KEY_CACHE_MS,
      rotateAt: row.createdAt.getTime() + this.settings.rotationMs,
    };
    return key;
  }

  private async newKey() {
    const kid = randomUUID();
    const pair = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: SIGNING_ALG, use: "sig" };
    const privateJwk = await exportJWK(pair.privateKey);
    return {
      kid,
      alg: SIGNING_ALG,
      publicJwk,
      privateKeyCiphertext: this.box.encrypt(JSON.stringify(privateJwk), keyAddress(kid)),
    };
  }
}
