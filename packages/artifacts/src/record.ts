import { posix } from "node:path";
import { lookup } from "mime-types";
import type { BlobStore } from "@oz/blobs";
import type { ArtifactItem } from "@oz/contract";
import { newUid, newUuid, type Db } from "@oz/db";
import { redactBuffer, redactSecrets, type SecretValues } from "@oz/secrets";

interface ArtifactOwner {
  runId: string;
  teamId: string;
  /** Public artifacts can be read without credentials. Default: private. */
  isPublic?: boolean;
  /** The run's secrets: their values are redacted from the content before it is stored. */
  redact?: SecretValues;
}

export interface FileArtifactInput extends ArtifactOwner {
  /** Where the run wrote the file, relative to its artifacts directory, e.g. `reports/coverage.html`. */
  filepath: string;
  content: Buffer;
  /** Default: guessed from the file's extension, `application/octet-stream` when unknown. */
  mimeType?: string;
  description?: string;
  /** A short badge label; `description` is the longer text. */
  title?: string;
}

export interface PlanArtifactInput extends ArtifactOwner {
  /** The plan, as Markdown. */
  content: string;
  title?: string;
}

export interface RecordedArtifact {
  uid: string;
  /** As it appears in the run's `artifacts`. */
  item: ArtifactItem;
}

/** Where an artifact's bytes live in the blob store. */
export const artifactStorageKey = (teamId: string, runId: string, uid: string) =>
  `teams/${teamId}/runs/${runId}/artifacts/${uid}`;

/** The MIME type for a file name, from its extension. */
export const guessMimeType = (filename: string) => lookup(filename) || "application/octet-stream";

/**
 * Records a file the run produced as a FILE artifact: the (redacted) bytes go to the blob store, then a row with
 * the contract's data (artifact_uid, filename, filepath, mime_type, size_bytes, …) is inserted.
 */
export async function recordFileArtifact(
  db: Db,
  blobs: BlobStore,
  input: FileArtifactInput,
): Promise<RecordedArtifact> {
  // A secret can be in a file's name or folders as well as in its bytes.
  const filepath = normaliseFilepath(input.redact ? redactSecrets(input.filepath, input.redact) : input.filepath);
  const filename = posix.basename(filepath);
  const mimeType = input.mimeType ?? guessMimeType(filename);
  const content = input.redact ? redactBuffer(input.content, input.redact) : input.content;
  return store(db, blobs, input, "FILE", content, mimeType, (uid) => ({
    artifact_uid: uid,
    filename,
    filepath,
    mime_type: mimeType,
    size_bytes: content.length,
    ...(input.description !== undefined && { description: input.description }),
    ...(input.title !== undefined && { title: input.title }),
  }));
}

/** Records a plan as a PLAN artifact; its Markdown is returned inline by `GET /agent/artifacts/{uid}`. */
export async function recordPlanArtifact(
  db: Db,
  blobs: BlobStore,
  input: PlanArtifactInput,
): Promise<RecordedArtifact> {
  const content = Buffer.from(input.content, "utf8");
  return store(
    db,
    blobs,
    input,
    "PLAN",
    input.redact ? redactBuffer(content, input.redact) : content,
    "text/markdown",
    (uid) => ({
      artifact_uid: uid,
      document_uid: newUid(),
      notebook_uid: newUid(),
      ...(input.title !== undefined && { title: input.title }),
    }),
  );
}

async function store(
  db: Db,
  blobs: BlobStore,
  owner: ArtifactOwner,
  type: "FILE" | "PLAN",
  content: Buffer,
  contentType: string,
  dataOf: (uid: string) => Record<string, string | number>,
): Promise<RecordedArtifact> {
  const uid = newUuid();
  const storageKey = artifactStorageKey(owner.teamId, owner.runId, uid);
  await blobs.put(storageKey, content, { contentType });
  const data = dataOf(uid);
  try {
    const row = await db.artifact.create({
      data: {
        id: uid,
        runId: owner.runId,
        teamId: owner.teamId,
        type,
        data,
        storageKey,
        isPublic: owner.isPublic ?? false,
      },
    });
    return { uid, item: { artifact_type: type, created_at: row.createdAt.toISOString(), data } };
  } catch (err) {
    await blobs.delete(storageKey).catch(() => {}); // no row, so nobody could ever fetch it
    throw err;
  }
}

/** `./out//report.txt` → `out/report.txt`; a path that leaves the artifacts directory is a bug in the caller. */
function normaliseFilepath(filepath: string): string {
  const normal = posix.normalize(filepath.replaceAll("\\", "/")).replace(/^(\.\/|\/)+/, "");
  if (normal === "" || normal === "." || normal === ".." || normal.startsWith("../") || normal.endsWith("/")) {
    throw new RangeError(`not a file path inside the artifacts directory: ${JSON.stringify(filepath)}`);
  }
  return normal;
}
