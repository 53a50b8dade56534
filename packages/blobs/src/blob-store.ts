import type { Readable } from "node:stream";

export interface BlobMeta {
  contentType?: string;
}

export interface BlobInfo {
  key: string;
  size: number;
  contentType?: string;
}

/**
 * Where artifact bytes live. Keys are `/`-separated paths of segments made of letters, digits, `.`, `_` and
 * `-` that do not start with a dot (e.g. `teams/<team>/runs/<run>/<artifact>`); anything else is rejected with
 * InvalidBlobKeyError, so a key can never escape the store.
 *
 * PostgresBlobStore is the default (OZ_BLOB_STORE=postgres: every process on any host shares it); LocalDirBlobStore
 * keeps blobs in one directory. An S3-compatible store implements the same four methods over one bucket
 * (put → PutObject/multipart upload with ContentType, get → GetObject body or null on NoSuchKey, stat →
 * HeadObject, delete → DeleteObject) and is passed wherever a BlobStore is expected.
 */
export interface BlobStore {
  /** Writes the whole blob atomically: readers see the old blob or the new one, never a partial write. */
  put(key: string, data: Buffer | Readable, meta?: BlobMeta): Promise<BlobInfo>;
  /** The blob's bytes, or null when there is no such blob. */
  get(key: string): Promise<Readable | null>;
  stat(key: string): Promise<BlobInfo | null>;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
}

export class InvalidBlobKeyError extends Error {
  override name = "InvalidBlobKeyError";
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 1024;

/** Throws InvalidBlobKeyError unless `key` is a safe relative path (no `..`, no absolute path, no hidden names). */
export function assertValidBlobKey(key: string): void {
  const valid = key.length > 0 && key.length <= MAX_KEY_LENGTH && key.split("/").every((s) => SEGMENT.test(s));
  if (!valid) throw new InvalidBlobKeyError(`invalid blob key ${JSON.stringify(key.slice(0, 100))}`);
}
