import { poolOf, type Db } from "@oz/db";
import type { BlobStore } from "./blob-store.ts";
import { LocalDirBlobStore } from "./local-dir-blob-store.ts";
import { PostgresBlobStore } from "./postgres-blob-store.ts";

export interface BlobStoreSettings {
  /** `postgres` (default: shared by every process on any host) or `local` (a directory, one host only). */
  OZ_BLOB_STORE: "postgres" | "local";
  OZ_BLOB_DIR: string;
}

/** The blob store the configuration names; the Postgres one shares `db`'s connection pool. */
export function blobStoreFrom(settings: BlobStoreSettings, db: Db): BlobStore {
  return settings.OZ_BLOB_STORE === "local"
    ? new LocalDirBlobStore(settings.OZ_BLOB_DIR)
    : new PostgresBlobStore(poolOf(db));
}
