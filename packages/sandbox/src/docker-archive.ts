import type { Readable } from "node:stream";
import { extract, type Header } from "tar-stream";

export interface ArchiveEntry {
  header: Header;
  content: Buffer;
}

/**
 * The first entry of a tar stream (what the Engine API's getArchive returns for a path): the path itself,
 * with its content when it is a regular file. The rest of the archive is not read.
 */
export async function readFirstEntry(archive: NodeJS.ReadableStream): Promise<ArchiveEntry | null> {
  const entries = extract();
  archive.on("error", (err: Error) => entries.destroy(err));
  archive.pipe(entries as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      return { header: entry.header, content: Buffer.concat(chunks) };
    }
    return null;
  } finally {
    (archive as Readable).destroy();
    entries.destroy();
  }
}
