import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidBlobKeyError } from "./blob-store.ts";
import { LocalDirBlobStore } from "./local-dir-blob-store.ts";

let root: string;
let store: LocalDirBlobStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "oz-blobs-"));
  store = new LocalDirBlobStore(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("local directory blob store", () => {
  it("stores a buffer and reads it back with its size and content type", async () => {
    const info = await store.put("teams/t1/runs/r1/report.txt", Buffer.from("hello ✓"), { contentType: "text/plain" });
    expect(info).toEqual({
      key: "teams/t1/runs/r1/report.txt",
      size: Buffer.byteLength("hello ✓"),
      contentType: "text/plain",
    });
    expect(await store.stat("teams/t1/runs/r1/report.txt")).toEqual(info);
    expect(await text((await store.get("teams/t1/runs/r1/report.txt"))!)).toBe("hello ✓");
  });

  it("stores a stream", async () => {
    const chunks = Array.from({ length: 100 }, (_, i) => Buffer.alloc(10_000, i));
    const info = await store.put("streamed.bin", Readable.from(chunks));
    expect(info.size).toBe(1_000_000);
    const stream = (await store.get("streamed.bin"))!;
    const read: Buffer[] = [];
    for await (const chunk of stream) read.push(chunk as Buffer);
    expect(Buffer.concat(read)).toEqual(Buffer.concat(chunks));
  });

  it("replaces a blob whole, and forgets metadata that is no longer given", async () => {
    await store.put("replaced", Buffer.from("first version"), { contentType: "text/plain" });
    await store.put("replaced", Buffer.from("second"));
    expect(await store.stat("replaced")).toEqual({ key: "replaced", size: 6 });
    expect(await text((await store.get("replaced"))!)).toBe("second");
  });

  it("answers null for a missing blob and deletes idempotently", async () => {
    expect(await store.get("never/written")).toBeNull();
    expect(await store.stat("never/written")).toBeNull();
    await store.put("doomed", Buffer.from("x"), { contentType: "text/plain" });
    await store.delete("doomed");
    await store.delete("doomed");
    expect(await store.get("doomed")).toBeNull();
    expect(await store.stat("doomed")).toBeNull();
  });

  it("leaves nothing half-written when the source stream fails", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error("connection reset"));
      },
    });
    await expect(store.put("broken", failing)).rejects.toThrow("connection reset");
    expect(await store.stat("broken")).toBeNull();
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("rejects keys that could escape the store", async () => {
    for (const key of [
      "../outside",
      "a/../../outside",
      "/etc/passwd",
      "a//b",
      "",
      ".hidden",
      "a/./b",
      "a\\b",
      "a/b/",
    ]) {
      await expect(store.put(key, Buffer.from("x")), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(store.get(key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
    }
  });
});
