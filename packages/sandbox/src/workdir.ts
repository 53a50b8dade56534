import { posix } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { readFirstEntry } from "./docker-archive.ts";
import { dockerStatusOf } from "./docker-errors.ts";

/** Every sandbox process runs as this uid/gid: non-root, and the conventional first user of an image (`agent`, `node`). */
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;

/**
 * Makes a sandbox's working directory exist and belong to the sandbox user before its container starts.
 *
 * Docker creates a missing WorkingDir owned by root, where uid 1000 cannot write, and with every capability
 * dropped nothing inside the container can fix that; so the directory is put into the created container with
 * an archive. That costs a round trip (~60 ms), so whether an image already ships the directory owned by
 * uid 1000 (as images made for sandboxes do) is learned from the first container of each image, and such
 * images then cost nothing. The answer is kept for the provider's lifetime: an image re-tagged under the
 * same name with a different owner for that directory needs a worker restart to be noticed.
 */
export class WorkdirPreparer {
  private readonly imageProvidesWorkdir = new Map<string, boolean>();

  async prepare(container: Docker.Container, image: string, workdir: string): Promise<void> {
    const key = `${image}\0${workdir}`;
    let provided = this.imageProvidesWorkdir.get(key);
    if (provided === undefined) {
      provided = (await ownerOfDirectory(container, workdir)) === SANDBOX_UID;
      this.imageProvidesWorkdir.set(key, provided);
    }
    if (!provided) await putOwnedDirectory(container, workdir);
  }
}

/** The uid owning `dir` in the container's filesystem, or null when it is missing or not a directory. */
async function ownerOfDirectory(container: Docker.Container, dir: string): Promise<number | null> {
  try {
    const entry = await readFirstEntry(await container.getArchive({ path: dir }));
    return entry?.header.type === "directory" ? entry.header.uid : null;
  } catch (err) {
    if (dockerStatusOf(err) === 404) return null;
    throw err;
  }
}

/** Adds `dir` owned by the sandbox user; missing parents are created by Docker, owned by root. */
async function putOwnedDirectory(container: Docker.Container, dir: string): Promise<void> {
  const archive = pack();
  archive.entry({
    name: posix.resolve("/", dir).slice(1),
    type: "directory",
    mode: 0o755,
    uid: SANDBOX_UID,
    gid: SANDBOX_GID,
  });
  archive.finalize();
  await container.putArchive(archive as unknown as NodeJS.ReadableStream, { path: "/" });
}
