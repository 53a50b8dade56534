export { assertValidBlobKey, InvalidBlobKeyError, type BlobStore, type BlobInfo, type BlobMeta } from "./blob-store.ts";
export { LocalDirBlobStore } from "./local-dir-blob-store.ts";
