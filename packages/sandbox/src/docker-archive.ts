import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { extract, type Extract, type Header } from "tar-stream";
import { dockerStatusOf } from "./docker-errors.ts";

export interface ArchiveEntry {
  header: Header;
  content: Buffer;
}

/**
 * The first entry of a tar stream (what the Engine API's getArchive returns for a path): the path itself,
 * with its content when it is a regular file. The rest of the archive is not read.
 */
export async function readFirstEntry(archive: NodeJS.ReadableStream): Promise<ArchiveEntry | null> {
  return readArchive(archive, async (entries) => {
    for await (const entry of entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      return { header: entry.header, content: Buffer.concat(chunks) };
    }
    return null;
  });
}

/**
 * Regular files in a tar stream of one directory (getArchive of a directory: every entry's name starts with the
 * directory's own name), with paths relative to that directory; at most `limit`. Links are not files here.
 */
export async function listArchiveFiles(
  archive: NodeJS.ReadableStream,
  limit: number,
): Promise<{ path: string; size: number }[]> {
  return readArchive(archive, async (entries) => {
    const files: { path: string; size: number }[] = [];
    for await (const entry of entries) {
      const { type, name, size } = entry.header;
      const path = name.slice(name.indexOf("/") + 1);
      if (type === "file" && name.includes("/") && path.length > 0) files.push({ path, size: size ?? 0 });
      entry.resume();
      if (files.length >= limit) break;
    }
    return files;
  });
}

/** Hands a tar stream's entries to `read`, and lets go of the stream however `read` ends (it may stop early). */
async function readArchive<T>(archive: NodeJS.ReadableStream, read: (entries: Extract) => Promise<T>): Promise<T> {
  const entries = extract();
  archive.on("error", (err: Error) => entries.destroy(err));
  archive.pipe(entries as unknown as NodeJS.WritableStream);
  try {
    return await read(entries);
  } finally {
    (archive as Readable).destroy();
    entries.destroy();
  }
}

/** What the Engine API says of a path in a container without reading it (HEAD …/archive), or null if it is missing. */
export async function statPath(
  container: Docker.Container,
  path: string,
): Promise<{ name: string; size: number; mode: number; mtime: string } | null> {
  let response: IncomingMessage;
  try {
    response = (await container.infoArchive({ path })) as IncomingMessage;
  } catch (err) {
    if (dockerStatusOf(err) === 404) return null;
    throw err;
  }
  response.resume();
  const header = response.headers["x-docker-container-path-stat"];
  if (typeof header !== "string") throw new Error(`Docker sent no stat for ${path}`);
  return JSON.parse(Buffer.from(header, "base64").toString("utf8"));
}
