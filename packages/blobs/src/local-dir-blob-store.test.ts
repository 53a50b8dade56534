import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeBlobStoreContract, failingStream } from "./blob-store-contract.ts";
import { LocalDirBlobStore } from "./local-dir-blob-store.ts";

let root: string;
let store: LocalDirBlobStore;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "oz-blobs-"));
  store = new LocalDirBlobStore(root);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describeBlobStoreContract("local directory", () => store);

describe("local directory blob store", () => {
  it("leaves no temporary file behind when the source stream fails", async () => {
    await expect(store.put("half-written", failingStream(1000))).rejects.toThrow("connection reset");
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });
});
