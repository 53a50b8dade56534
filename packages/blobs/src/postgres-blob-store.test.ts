import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolOf } from "@oz/db";
import { createTestDatabase, type TestDatabase } from "@oz/testing";
import { describeBlobStoreContract, failingStream, readAll } from "./blob-store-contract.ts";
import { blobStoreFrom } from "./blob-store-from.ts";
import { LocalDirBlobStore } from "./local-dir-blob-store.ts";
import { BLOB_CHUNK_BYTES, PostgresBlobStore } from "./postgres-blob-store.ts";

let database: TestDatabase;
let store: PostgresBlobStore;
beforeAll(async () => {
  database = await createTestDatabase();
  store = new PostgresBlobStore(poolOf(database.db));
});
afterAll(() => database.drop());

const count = async (sql: string, values: unknown[] = []) =>
  Number((await poolOf(database.db).query<{ n: string }>(sql, values)).rows[0]!.n);

describeBlobStoreContract("PostgreSQL", () => store);

describe("PostgreSQL blob store", () => {
  it("keeps a large blob as 256 KiB chunks and streams it back chunk by chunk", async () => {
    const bytes = randomBytes(3 * BLOB_CHUNK_BYTES + 12_345);
    // Pieces of an odd size, so chunk boundaries fall inside them.
    const pieces = Array.from({ length: Math.ceil(bytes.length / 100_003) }, (_, i) =>
      bytes.subarray(i * 100_003, (i + 1) * 100_003),
    );
    expect(await store.put("big/artifact.bin", Readable.from(pieces))).toEqual({
      key: "big/artifact.bin",
      size: bytes.length,
    });
    const { rows } = await poolOf(database.db).query<{ seq: number; length: number }>(
      "SELECT seq, length(data) AS length FROM blob_chunks JOIN blobs ON blobs.id = blob_id WHERE key = $1 ORDER BY seq",
      ["big/artifact.bin"],
    );
    expect(rows).toEqual([
      { seq: 0, length: BLOB_CHUNK_BYTES },
      { seq: 1, length: BLOB_CHUNK_BYTES },
      { seq: 2, length: BLOB_CHUNK_BYTES },
      { seq: 3, length: 12_345 },
    ]);

    const stream = (await store.get("big/artifact.bin"))!;
    const received: number[] = [];
    for await (const chunk of stream) received.push((chunk as Buffer).length);
    // Each read hands over one row: the stream never holds the whole blob.
    expect(received).toEqual([BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES, 12_345]);
    expect(await readAll((await store.get("big/artifact.bin"))!)).toEqual(bytes);
  });

  it("removes a blob's chunks with it, and leaves none from a replaced or failed put", async () => {
    await store.put("chunky", randomBytes(BLOB_CHUNK_BYTES + 1));
    await store.put("chunky", randomBytes(10));
    await expect(store.put("chunky-failed", failingStream(BLOB_CHUNK_BYTES * 2))).rejects.toThrow("connection reset");
    const chunksOf = () =>
      count("SELECT count(*) AS n FROM blob_chunks JOIN blobs ON blobs.id = blob_id WHERE key LIKE 'chunky%'");
    expect(await chunksOf()).toBe(1);
    await store.delete("chunky");
    expect(await chunksOf()).toBe(0);
    expect(await count("SELECT count(*) AS n FROM blobs WHERE key IS NULL")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM blob_chunks WHERE blob_id NOT IN (SELECT id FROM blobs)")).toBe(0);
  });

  it("serves a blob written through another pool on the same database (another process, another host)", async () => {
    const other = new PostgresBlobStore(poolOf(database.db));
    await other.put("shared/report.txt", Buffer.from("from a worker"), { contentType: "text/plain" });
    expect(await store.stat("shared/report.txt")).toEqual({
      key: "shared/report.txt",
      size: 13,
      contentType: "text/plain",
    });
  });

  it("lets concurrent puts of one key end with one whole blob", async () => {
    const versions = Array.from({ length: 5 }, (_, i) => Buffer.alloc(BLOB_CHUNK_BYTES + 7, i));
    await Promise.all(versions.map((version) => store.put("raced", version)));
    const final = await readAll((await store.get("raced"))!);
    expect(versions.some((version) => version.equals(final))).toBe(true);
    expect(await count("SELECT count(*) AS n FROM blobs WHERE key = 'raced' OR key IS NULL")).toBe(1);
  });

  it("is what OZ_BLOB_STORE names", () => {
    expect(blobStoreFrom({ OZ_BLOB_STORE: "postgres", OZ_BLOB_DIR: "/unused" }, database.db)).toBeInstanceOf(
      PostgresBlobStore,
    );
    expect(blobStoreFrom({ OZ_BLOB_STORE: "local", OZ_BLOB_DIR: "/tmp/blobs" }, database.db)).toBeInstanceOf(
      LocalDirBlobStore,
    );
  });
});
