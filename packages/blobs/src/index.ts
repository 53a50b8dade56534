export { assertValidBlobKey, InvalidBlobKeyError, type BlobStore, type BlobInfo, type BlobMeta } from "./blob-store.ts";
export { LocalDirBlobStore } from "./local-dir-blob-store.ts";
export { PostgresBlobStore, BLOB_CHUNK_BYTES } from "./postgres-blob-store.ts";
export { blobStoreFrom, type BlobStoreSettings } from "./blob-store-from.ts";
