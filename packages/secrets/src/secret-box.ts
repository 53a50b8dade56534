import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { deriveKey } from "./master-key.ts";

/** Which secret a ciphertext belongs to; bound into the ciphertext so it cannot be moved to another team or name. */
export interface SecretAddress {
  teamId: string;
  name: string;
}

/**
 * Encrypts secret values at rest. Format: 1 version byte, 12-byte IV, ciphertext, 16-byte GCM tag; AES-256-GCM
 * with a key derived from the master key, the secret's team and name as additional authenticated data.
 */
export interface SecretBox {
  encrypt(plaintext: string, address: SecretAddress): Buffer<ArrayBuffer>;
  /** Throws SecretDecryptionError when the data was encrypted under another key, team or name, or was altered. */
  decrypt(ciphertext: Buffer, address: SecretAddress): string;
}

export class SecretDecryptionError extends Error {
  override name = "SecretDecryptionError";
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const additionalData = ({ teamId, name }: SecretAddress) => Buffer.from(JSON.stringify(["oz-secret", teamId, name]));

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) throw new RangeError(`the master key must be 32 bytes, got ${masterKey.length}`);
  const key = deriveKey(masterKey, "secret-box/v1");
  return {
    encrypt(plaintext, address) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(address));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]);
    },
    decrypt(data, address) {
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== VERSION) {
        throw new SecretDecryptionError(`secret ${address.name} is not in a format this version can read`);
      }
      const iv = data.subarray(1, 1 + IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(address));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([
          decipher.update(data.subarray(1 + IV_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]).toString("utf8");
      } catch (err) {
        throw new SecretDecryptionError(
          `secret ${address.name} cannot be decrypted: it was encrypted under another master key ` +
            "(was OZ_MASTER_KEY changed?), for another team or name, or altered",
          { cause: err },
        );
      }
    },
  };
}
