import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { InvalidBlobKeyError, type BlobStore } from "./blob-store.ts";

/** A source that sends `bytes` and then fails, as an upload whose connection drops. */
export function failingStream(bytes: number): Readable {
  return new Readable({
    read() {
      this.push(Buffer.alloc(bytes));
      this.destroy(new Error("connection reset"));
    },
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const read: Buffer[] = [];
  for await (const chunk of stream) read.push(chunk as Buffer);
  return Buffer.concat(read);
}

/** What every BlobStore does, whatever keeps the bytes; each store's test file adds what is its own. */
export function describeBlobStoreContract(name: string, store: () => BlobStore): void {
  describe(`${name}: the blob store contract`, () => {
    it("stores a buffer and reads it back with its size and content type", async () => {
      const info = await store().put("teams/t1/runs/r1/report.txt", Buffer.from("hello ✓"), {
        contentType: "text/plain",
      });
      expect(info).toEqual({
        key: "teams/t1/runs/r1/report.txt",
        size: Buffer.byteLength("hello ✓"),
        contentType: "text/plain",
      });
      expect(await store().stat("teams/t1/runs/r1/report.txt")).toEqual(info);
      expect(await text((await store().get("teams/t1/runs/r1/report.txt"))!)).toBe("hello ✓");
    });

    it("stores a stream", async () => {
      const chunks = Array.from({ length: 100 }, (_, i) => Buffer.alloc(10_000, i));
      const info = await store().put("streamed.bin", Readable.from(chunks));
      expect(info.size).toBe(1_000_000);
      expect(await readAll((await store().get("streamed.bin"))!)).toEqual(Buffer.concat(chunks));
    });

    it("stores an empty blob", async () => {
      expect(await store().put("empty", Buffer.alloc(0))).toEqual({ key: "empty", size: 0 });
      expect(await readAll((await store().get("empty"))!)).toEqual(Buffer.alloc(0));
    });

    it("replaces a blob whole, and forgets metadata that is no longer given", async () => {
      await store().put("replaced", Buffer.from("first version"), { contentType: "text/plain" });
      await store().put("replaced", Buffer.from("second"));
      expect(await store().stat("replaced")).toEqual({ key: "replaced", size: 6 });
      expect(await text((await store().get("replaced"))!)).toBe("second");
    });

    it("answers null for a missing blob and deletes idempotently", async () => {
      expect(await store().get("never/written")).toBeNull();
      expect(await store().stat("never/written")).toBeNull();
      await store().put("doomed", Buffer.from("x"), { contentType: "text/plain" });
      await store().delete("doomed");
      await store().delete("doomed");
      expect(await store().get("doomed")).toBeNull();
      expect(await store().stat("doomed")).toBeNull();
    });

    it("keeps the previous blob when a replacement's source stream fails", async () => {
      await store().put("kept", Buffer.from("original"));
      await expect(store().put("kept", failingStream(1000))).rejects.toThrow("connection reset");
      await expect(store().put("broken", failingStream(1000))).rejects.toThrow("connection reset");
      expect(await text((await store().get("kept"))!)).toBe("original");
      expect(await store().stat("broken")).toBeNull();
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
        await expect(store().put(key, Buffer.from("x")), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().get(key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().delete(key), key).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
    });
  });
}
