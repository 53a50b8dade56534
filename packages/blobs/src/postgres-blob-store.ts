import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type pg from "pg";
import { assertValidBlobKey, type BlobInfo, type BlobMeta, type BlobStore } from "./blob-store.ts";

/** Rows of at most this many bytes: a reader holds one chunk at a time, whatever the blob's size. */
export const BLOB_CHUNK_BYTES = 256 * 1024;

/**
 * Blobs in PostgreSQL (tables `blobs` and `blob_chunks`), so every API and worker process shares them without a
 * shared disk. A put writes the chunks under a fresh blob id and gives it the key in the same transaction, replacing
 * the old blob: readers see the old bytes or the new, never a mix. A get reads one chunk per query, so an artifact
 * streams to its downloader without being loaded whole.
 */
export class PostgresBlobStore implements BlobStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly chunkBytes = BLOB_CHUNK_BYTES,
  ) {}

  async put(key: string, data: Buffer | Readable, meta: BlobMeta = {}): Promise<BlobInfo> {
    assertValidBlobKey(key);
    const client = await this.pool.connect();
    let unusable: Error | undefined;
    try {
      await client.query("BEGIN");
      const id = randomUUID();
      await client.query("INSERT INTO blobs (id, key, size, chunk_count) VALUES ($1, NULL, 0, 0)", [id]);
      let size = 0;
      let seq = 0;
      for await (const chunk of rechunk(Buffer.isBuffer(data) ? [data] : data, this.chunkBytes)) {
        await client.query("INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)", [id, seq++, chunk]);
        size += chunk.length;
      }
      // Two puts of one key take turns here; the loser of a race replaces the winner's blob, as on a file system.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key]);
      await client.query("DELETE FROM blobs WHERE key = $1", [key]);
      await client.query("UPDATE blobs SET key = $2, size = $3, chunk_count = $4, content_type = $5 WHERE id = $1", [
        id,
        key,
        size,
        seq,
        meta.contentType ?? null,
      ]);
      await client.query("COMMIT");
      return { key, size, ...(meta.contentType && { contentType: meta.contentType }) };
    } catch (err) {
      // A connection whose ROLLBACK failed may be mid-transaction: drop it rather than hand it to the next caller.
      await client.query("ROLLBACK").catch((rollbackErr: unknown) => (unusable = rollbackErr as Error));
      throw err;
    } finally {
      client.release(unusable);
    }
  }

  async get(key: string): Promise<Readable | null> {
    assertValidBlobKey(key);
    const { rows } = await this.pool.query<{ id: string; chunk_count: number }>(
      "SELECT id, chunk_count FROM blobs WHERE key = $1",
      [key],
    );
    const blob = rows[0];
    if (!blob) return null;
    return Readable.from(this.chunks(key, blob.id, blob.chunk_count), { objectMode: false });
  }

  private async *chunks(key: string, id: string, count: number): AsyncGenerator<Buffer> {
    for (let seq = 0; seq < count; seq++) {
      const { rows } = await this.pool.query<{ data: Buffer }>(
        "SELECT data FROM blob_chunks WHERE blob_id = $1 AND seq = $2",
        [id, seq],
      );
      if (!rows[0]) throw new Error(`blob ${key} was replaced or deleted while it was being read`);
      yield rows[0].data;
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    assertValidBlobKey(key);
    const { rows } = await this.pool.query<{ size: string; content_type: string | null }>(
      "SELECT size, content_type FROM blobs WHERE key = $1",
      [key],
    );
    const blob = rows[0];
    if (!blob) return null;
    return { key, size: Number(blob.size), ...(blob.content_type && { contentType: blob.content_type }) };
  }

  async delete(key: string): Promise<void> {
    assertValidBlobKey(key);
    await this.pool.query("DELETE FROM blobs WHERE key = $1", [key]);
  }
}

/** The source's bytes as pieces of exactly `size` bytes (the last one shorter), whatever sizes it arrives in. */
async function* rechunk(source: AsyncIterable<Buffer | string> | Iterable<Buffer>, size: number) {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of source) {
    let buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
    while (pendingBytes + buffer.length >= size) {
      const take = size - pendingBytes;
      yield Buffer.concat([...pending, buffer.subarray(0, take)]);
      buffer = buffer.subarray(take);
      pending = [];
      pendingBytes = 0;
    }
    if (buffer.length > 0) {
      pending.push(buffer);
      pendingBytes += buffer.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}
