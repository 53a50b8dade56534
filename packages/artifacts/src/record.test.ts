import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDirBlobStore } from "@oz/blobs";
import { newUuid } from "@oz/db";
import { createTestDatabase, insertRunRow, insertTeamRow, type TestDatabase } from "@oz/testing";
import { listRunArtifacts } from "./list.ts";
import { artifactStorageKey, recordFileArtifact, recordPlanArtifact } from "./record.ts";

let database: TestDatabase;
let blobDir: string;
let blobs: LocalDirBlobStore;
let teamId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  blobDir = await mkdtemp(join(tmpdir(), "oz-artifacts-"));
  blobs = new LocalDirBlobStore(blobDir);
  teamId = await insertTeamRow(database.db);
});
afterAll(async () => {
  await database.drop();
  await rm(blobDir, { recursive: true, force: true });
});

const newRun = () => insertRunRow(database.db, teamId);

describe("recording a file a run produced", () => {
  it("stores the bytes and a FILE artifact with the contract's data", async () => {
    const runId = await newRun();
    const { uid, item } = await recordFileArtifact(database.db, blobs, {
      runId,
      teamId,
      filepath: "./reports//coverage.html",
      content: Buffer.from("<h1>97%</h1>"),
      title: "Coverage",
    });
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(item).toEqual({
      artifact_type: "FILE",
      created_at: expect.any(String),
      data: {
        artifact_uid: uid,
        filename: "coverage.html",
        filepath: "reports/coverage.html",
        mime_type: "text/html",
        size_bytes: 12,
        title: "Coverage",
      },
    });
    const stream = await blobs.get(artifactStorageKey(teamId, runId, uid));
    expect(await text(stream!)).toBe("<h1>97%</h1>");
    expect(await listRunArtifacts(database.db, runId)).toEqual([item]);
  });

  it("guesses the MIME type from the extension, falling back to octet-stream", async () => {
    const runId = await newRun();
    const types = [];
    for (const filepath of ["shot.png", "data.json", "notes.md", "archive.tar.gz", "binary.weird-ext", "Makefile"]) {
      const { item } = await recordFileArtifact(database.db, blobs, { runId, teamId, filepath, content: Buffer.of(1) });
      types.push(item.data.mime_type);
    }
    expect(types).toEqual([
      "image/png",
      "application/json",
      "text/markdown",
      "application/gzip",
      "application/octet-stream",
      "application/octet-stream",
    ]);
  });

  it("redacts the run's secrets from the content before storing it, and records the stored size", async () => {
    const runId = await newRun();
    const { uid, item } = await recordFileArtifact(database.db, blobs, {
      runId,
      teamId,
      filepath: "env.txt",
      content: Buffer.from("TOKEN=ghp_secretvalue\n"),
      redact: { GITHUB_TOKEN: "ghp_secretvalue" },
    });
    const stored = await text((await blobs.get(artifactStorageKey(teamId, runId, uid)))!);
    expect(stored).toBe("TOKEN=[REDACTED:GITHUB_TOKEN]\n");
    expect(item.data.size_bytes).toBe(Buffer.byteLength(stored));
  });

  it("refuses a path outside the artifacts directory", async () => {
    const runId = await newRun();
    for (const filepath of ["../etc/passwd", "a/../../b", "", "dir/"]) {
      await expect(
        recordFileArtifact(database.db, blobs, { runId, teamId, filepath, content: Buffer.of(1) }),
        filepath,
      ).rejects.toThrow(/not a file path/);
    }
  });

  it("leaves no orphan blob when the row cannot be written", async () => {
    const missingRun = newUuid();
    await expect(
      recordFileArtifact(database.db, blobs, { runId: missingRun, teamId, filepath: "x.txt", content: Buffer.of(1) }),
    ).rejects.toThrow();
    const leftovers = await readdir(join(blobDir, "objects", "teams", teamId, "runs", missingRun, "artifacts"));
    expect(leftovers).toEqual([]);
  });
});

describe("recording a plan", () => {
  it("stores the Markdown and a PLAN artifact with document and notebook ids", async () => {
    const runId = await newRun();
    const { uid, item } = await recordPlanArtifact(database.db, blobs, {
      runId,
      teamId,
      title: "Migration plan",
      content: "# Plan\n1. do it\n",
    });
    expect(item.data).toEqual({
      artifact_uid: uid,
      document_uid: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      notebook_uid: expect.stringMatching(/^[A-Za-z0-9]{22}$/),
      title: "Migration plan",
    });
    expect(await text((await blobs.get(artifactStorageKey(teamId, runId, uid)))!)).toBe("# Plan\n1. do it\n");
  });
});
