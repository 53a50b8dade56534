import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { dockerStatusOf } from "./docker-errors.ts";
import { SANDBOX_LABELS } from "./port.ts";
import { SANDBOX_GID, SANDBOX_UID } from "./workdir.ts";

/** Marks a network holder (and nothing else) on the host. */
export const NETWORK_HOLDER_LABEL = "oz.network-holder";
/** On a sandbox: the holder whose network namespace it joined, so whoever removes the sandbox removes that too. */
export const JOINED_HOLDER_LABEL = "oz.network-holder-id";

/** How often a worker looks for holders to remove (two list calls to its Docker engine). */
const TIDY_INTERVAL_MS = 60_000;
/** A worker replaces its idle holders this often, so a holder is never so old that another host's sweep takes it. */
const IDLE_HOLDER_MAX_AGE_MS = 10 * 60_000;
/** A holder nobody joined for this long, whose worker never replaced it, belongs to a worker that is gone. */
export const ABANDONED_HOLDER_AGE_MS = 6 * IDLE_HOLDER_MAX_AGE_MS;
/** A worker's own holder younger than this may be starting or just taken: not yet idle, not yet joined. */
const IN_FLIGHT_GRACE_MS = 60_000;

interface IdleHolder {
  id: string;
  createdAt: number;
}

/**
 * Network namespaces made ahead of time, so a sandbox starts without any network work.
 *
 * Wiring a new container into a network is most of its start: a fresh namespace, a veth pair into the bridge,
 * and on a user-defined network Docker's embedded DNS resolver set up inside the namespace (measured here:
 * `docker run` ~290 ms joining an existing namespace against ~600–750 ms on a bridge). A holder is a tiny
 * container on the sandbox network whose one process waits forever; a sandbox joins its namespace
 * (`NetworkMode: container:<holder>`), so it gets exactly the holder's network: the same bridge, firewall and
 * `enable_icc=false` as a sandbox wired directly, and IPv6 switched off by the holder's sysctls.
 *
 * Each holder serves one sandbox and is removed with it; the pool refills in the background. A holder runs the
 * image of the sandboxes it serves (the image's own `sh`, uid 1000, no capabilities, read-only, no data), so it
 * runs nothing the sandbox would not run anyway, and no image has to be shipped or pulled for it. Holders of the
 * images asked for most recently are kept, `size` in all.
 */
export class NetworkHolderPool {
  private readonly idle = new Map<string, IdleHolder[]>();
  /** Images a holder is wanted for, one entry per holder, made while no sandbox is starting. */
  private readonly wanted: string[] = [];
  private sandboxesStarting = 0;
  /**
   * The worker's attachment to each holder it made, idle or joined: a holder's shell reads it, so when the worker
   * dies the shell reads its end and the holder stops, and any worker's tidy removes stopped holders at once.
   */
  private readonly attachments = new Map<string, Duplex>();
  /** The holder being made, if any (close waits for it, to remove it too). */
  private holderStarting: Promise<void> | undefined;
  private readonly recycler: NodeJS.Timeout;
  private closed = false;
  private lastRecycle = Date.now();

  constructor(
    private readonly docker: Docker,
    private readonly options: { network: string; workerId: string; size: number },
  ) {
    this.recycler = setInterval(() => void this.tidy(), TIDY_INTERVAL_MS).unref();
  }

  /**
   * An idle holder for the sandbox of `image` about to start, or undefined (it is then wired the slow way).
   * The caller calls {@link sandboxStarted} when that start is over, failed or not.
   */
  take(image: string): string | undefined {
    this.sandboxesStarting++;
    return this.idle.get(image)?.shift()?.id;
  }

  /**
   * Asks for a holder to replace the one taken (or missing). Holders are made only while no sandbox is starting:
   * a holder costs the daemon a container start, so under a steady stream of runs, where a sandbox would wait for
   * the daemon anyway, the pool stays empty rather than slow every start down.
   */
  sandboxStarted(image: string): void {
    this.sandboxesStarting--;
    if (this.wanted.length < this.options.size) this.wanted.push(image);
    this.makeWanted();
  }

  /** Asks for a full share of holders for `image` (e.g. the default image, at a worker's start). */
  prepareFor(image: string): void {
    for (let i = this.wanted.length; i < this.options.size; i++) this.wanted.push(image);
    this.makeWanted();
  }

  /** Whether `id` is an idle holder of this pool (the sweep leaves those alone). */
  holds(id: string): boolean {
    return [...this.idle.values()].some((holders) => holders.some((holder) => holder.id === id));
  }

  /** Removes every idle holder; the pool makes no more. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.recycler);
    await this.holderStarting;
    const ids = [...this.idle.values()].flat().map((holder) => holder.id);
    this.idle.clear();
    await Promise.all(ids.map((id) => removeHolder(this.docker, id)));
  }

  private idleCount(): number {
    let count = 0;
    for (const holders of this.idle.values()) count += holders.length;
    return count;
  }

  /** Makes the wanted holders one at a time, while nothing else is starting. */
  private makeWanted(): void {
    if (this.closed || this.holderStarting || this.sandboxesStarting > 0) return;
    const image = this.wanted.shift();
    if (image === undefined) return;
    const have = this.idle.get(image)?.length ?? 0;
    if (have >= this.options.size || (this.idleCount() >= this.options.size && !this.evictOldestExcept(image))) {
      return this.makeWanted();
    }
    this.holderStarting = this.startHolder(image)
      .then((id) => {
        if (this.closed) return removeHolder(this.docker, id);
        const holders = this.idle.get(image) ?? [];
        holders.push({ id, createdAt: Date.now() });
        this.idle.set(image, holders);
      })
      // A holder that cannot be made costs nothing but speed: the next sandbox is wired the slow way.
      .catch(() => undefined)
      .finally(() => {
        this.holderStarting = undefined;
        this.makeWanted();
      });
  }

  /** Makes room for `image` by removing the oldest idle holder of another image; false when there is none. */
  private evictOldestExcept(image: string): boolean {
    let oldest: { image: string; holder: IdleHolder } | undefined;
    for (const [other, holders] of this.idle) {
      const first = holders[0];
      if (other !== image && first && (!oldest || first.createdAt < oldest.holder.createdAt)) {
        oldest = { image: other, holder: first };
      }
    }
    if (!oldest) return false;
    this.idle.get(oldest.image)!.shift();
    void removeHolder(this.docker, oldest.holder.id);
    return true;
  }

  /** Replaces old idle holders, and removes holders on this host that nothing will use (reapUnusedHolders). */
  private async tidy(): Promise<void> {
    if (Date.now() - this.lastRecycle >= IDLE_HOLDER_MAX_AGE_MS / 2) {
      this.lastRecycle = Date.now();
      await this.recycleOldHolders().catch(() => undefined);
    }
    await reapUnusedHolders(this.docker, this.options.workerId, this).catch(() => undefined);
  }

  private async recycleOldHolders(): Promise<void> {
    const cutoff = Date.now() - IDLE_HOLDER_MAX_AGE_MS;
    for (const [image, holders] of this.idle) {
      const old = holders.filter((holder) => holder.createdAt < cutoff);
      if (old.length === 0) continue;
      this.idle.set(
        image,
        holders.filter((holder) => holder.createdAt >= cutoff),
      );
      await Promise.all(old.map((holder) => removeHolder(this.docker, holder.id)));
      for (const _ of old) this.wanted.push(image);
      this.makeWanted();
    }
  }

  private async startHolder(image: string): Promise<string> {
    const container = await this.docker.createContainer(holderOptions(image, this.options));
    try {
      const attachment = (await container.attach({ stream: true, stdin: true, hijack: true })) as Duplex;
      attachment.on("error", () => undefined);
      attachment.on("close", () => this.attachments.delete(container.id));
      this.attachments.set(container.id, attachment);
      await container.start();
    } catch (err) {
      this.attachments.get(container.id)?.destroy();
      await removeHolder(this.docker, container.id);
      throw err;
    }
    return container.id;
  }
}

function holderOptions(image: string, pool: { network: string; workerId: string }): Docker.ContainerCreateOptions {
  const memoryBytes = 16 * 1024 * 1024;
  return {
    Image: image,
    // `read` is a shell builtin waiting on the worker's attachment, silent until the worker is gone: no binary
    // beyond the image's sh.
    Entrypoint: ["sh", "-c", "read -r _"],
    Cmd: [],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    User: `${SANDBOX_UID}:${SANDBOX_GID}`,
    Labels: { [NETWORK_HOLDER_LABEL]: "1", [SANDBOX_LABELS.workerId]: pool.workerId },
    HostConfig: {
      Init: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      PidsLimit: 8,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NetworkMode: pool.network,
      // No IPv6 in the namespace its sandbox will share (see docker-provider.ts).
      Sysctls: { "net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1" },
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

/** Idempotent, like a sandbox's removal. */
export async function removeHolder(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (err) {
    const status = dockerStatusOf(err);
    if (status !== 404 && status !== 409) throw err;
  }
}

/**
 * Holders on this Docker host that nothing will use: not idle in `pool`, joined by no existing container, and
 * either stopped (their worker is gone), never started after a minute (their worker died between create and
 * start), made by `workerId` (leaked, e.g. its sandbox was removed by a process that did not know of it; after a
 * minute, so one being started or just taken is left alone), or so old that their worker must be gone. Returns the
 * ids removed.
 */
export async function reapUnusedHolders(
  docker: Docker,
  workerId: string,
  pool: NetworkHolderPool | undefined,
  { inFlightGraceMs = IN_FLIGHT_GRACE_MS, now = Date.now() } = {},
): Promise<string[]> {
  const [holders, joiners] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [`${NETWORK_HOLDER_LABEL}=1`] } }),
    docker.listContainers({ all: true, filters: { label: [JOINED_HOLDER_LABEL] } }),
  ]);
  const joined = new Set(joiners.map((container) => container.Labels[JOINED_HOLDER_LABEL]));
  const unused = holders.filter((holder) => {
    if (joined.has(holder.Id) || pool?.holds(holder.Id)) return false;
    // A holder stops only when its worker is gone (its shell read the end of the worker's attachment).
    if (holder.State === "exited" || holder.State === "dead") return true;
    const age = now - holder.Created * 1000;
    if (holder.Labels[SANDBOX_LABELS.workerId] === workerId) return age >= inFlightGraceMs;
    // Another worker's holder starts within a second of its creation; one still only created a minute on never will.
    if (holder.State === "created") return age >= IN_FLIGHT_GRACE_MS;
    return age > ABANDONED_HOLDER_AGE_MS;
  });
  await Promise.all(unused.map((holder) => removeHolder(docker, holder.Id)));
  return unused.map((holder) => holder.Id);
}
