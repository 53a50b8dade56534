import Docker from "dockerode";
import { dockerReasonOf } from "./docker-errors.ts";

/**
 * Whether this engine can cap a container's writable layer (`StorageOpt size`): overlay2 needs its backing
 * filesystem to be xfs mounted with `pquota` (devicemapper, btrfs and zfs support it natively). Asked once at
 * start by creating (never starting) a throw-away container with the option, because `docker info` does not
 * tell whether pquota is on.
 */
export async function probeDiskLimit(
  image: string,
  sizeMb: number,
  docker: Docker = new Docker(),
): Promise<{ supported: true } | { supported: false; reason: string }> {
  let container: Docker.Container | undefined;
  try {
    container = await docker.createContainer({
      Image: image,
      Cmd: ["true"],
      Labels: { "oz.probe": "disk-limit" },
      HostConfig: { StorageOpt: { size: `${sizeMb}M` }, NetworkMode: "none" },
    });
    return { supported: true };
  } catch (err) {
    return { supported: false, reason: dockerReasonOf(err) };
  } finally {
    await container?.remove({ force: true }).catch(() => undefined);
  }
}
