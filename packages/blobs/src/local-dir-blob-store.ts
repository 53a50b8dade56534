import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertValidBlobKey, type BlobInfo, type BlobMeta, type BlobStore } from "./blob-store.ts";

const isMissing = (err: unknown) => ["ENOENT", "ENOTDIR"].includes((err as NodeJS.ErrnoException).code ?? "");

/**
 * Blobs as files under one directory: `objects/<key>` holds the bytes, `meta/<key>.json` the metadata. Writes go
 * to `tmp/` (same file system) and are renamed into place, so a crash never leaves a partial blob behind.
 */
export class LocalDirBlobStore implements BlobStore {
  constructor(private readonly rootDir: string) {}

  private objectPath(key: string) {
    assertValidBlobKey(key);
    return join(this.rootDir, "objects", key);
  }

  private metaPath(key: string) {
    return join(this.rootDir, "meta", `${key}.json`);
  }

  async put(key: string, data: Buffer | Readable, meta: BlobMeta = {}): Promise<BlobInfo> {
    const target = this.objectPath(key);
    const tmpDir = join(this.rootDir, "tmp");
    await Promise.all([mkdir(tmpDir, { recursive: true }), mkdir(dirname(target), { recursive: true })]);
    const tmp = join(tmpDir, randomBytes(12).toString("hex"));
    try {
      if (Buffer.isBuffer(data)) await writeFile(tmp, data, { flag: "wx", flush: true });
      else await pipeline(data, createWriteStream(tmp, { flags: "wx", flush: true }));
      const { size } = await stat(tmp);
      await this.writeMeta(key, meta);
      await rename(tmp, target);
      return { key, size, ...(meta.contentType && { contentType: meta.contentType }) };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private async writeMeta(key: string, meta: BlobMeta) {
    const path = this.metaPath(key);
    if (!meta.contentType) return rm(path, { force: true });
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(this.rootDir, "tmp", randomBytes(12).toString("hex"));
    await writeFile(tmp, JSON.stringify({ contentType: meta.contentType }), { flag: "wx" });
    await rename(tmp, path);
  }

  async get(key: string): Promise<Readable | null> {
    const path = this.objectPath(key);
    try {
      // Opening first turns "no such blob" into null here rather than an error event on the stream.
      const handle = await open(path, "r");
      return handle.createReadStream();
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    const path = this.objectPath(key);
    try {
      const { size } = await stat(path);
      const meta = await readFile(this.metaPath(key), "utf8").then(
        (text) => JSON.parse(text) as BlobMeta,
        (err: unknown): BlobMeta => {
          if (isMissing(err)) return {};
          throw err;
        },
      );
      return { key, size, ...(meta.contentType && { contentType: meta.contentType }) };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.objectPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }
}
