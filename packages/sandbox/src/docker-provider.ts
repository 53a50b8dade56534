import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import Docker from "dockerode";
import { dockerReasonOf, dockerStatusOf, isDaemonUnreachable, toSandboxError } from "./docker-errors.ts";
import { MainShell, mainShellContainerOptions } from "./docker-main-shell.ts";
import { DockerSandbox } from "./docker-sandbox.ts";
import {
  SANDBOX_LABELS,
  SandboxError,
  type Sandbox,
  type SandboxProvider,
  type SandboxSpec,
  type SandboxSummary,
} from "./port.ts";
import { JOINED_HOLDER_LABEL, NetworkHolderPool, reapUnusedHolders, removeHolder } from "./network-holders.ts";
import { networkGateway } from "./sandbox-gateway.ts";
import { ensureSandboxNetwork } from "./sandbox-network.ts";
import { SANDBOX_GID, SANDBOX_UID, WorkdirPreparer } from "./workdir.ts";

/** Marks a container as a sandbox, so listing and reaping never touch anything else on the host. */
export const SANDBOX_MARKER_LABEL = "oz.sandbox";

export interface DockerSandboxProviderOptions {
  /** Defaults to the local daemon (DOCKER_HOST or /var/run/docker.sock). */
  docker?: Docker;
  /**
   * A pull of a missing image is given up when the registry sends nothing for this long, so an unreachable
   * registry fails a run quickly while a large image that keeps downloading may take its time.
   */
  pullStallTimeoutMs?: number;
  /**
   * The Docker network of sandboxes that have network (made on first use: sandbox-network.ts). The worker sets
   * its isolated sandbox network here once the firewall is in place; Docker's default `bridge` otherwise.
   */
  network?: string;
  /** Per-sandbox disk limit (StorageOpt size), where the engine's storage driver supports it (see disk-limit.ts). */
  diskLimitMb?: number;
  /**
   * Network namespaces kept ready for networked sandboxes (network-holders.ts): `size` in all, labelled with the
   * worker's id. Without it every sandbox is wired into the network as it starts.
   */
  networkHolders?: { size: number; workerId: string };
}

/** An engine that has not answered a ping in this long is taken as gone. */
const ENGINE_PING_TIMEOUT_MS = 5_000;

const containerName = (runId: string) => `oz-run-${runId}`;
/** A warm-pool sandbox is named for no run until one takes it (`assignToRun` renames it to the run's name). */
const poolContainerName = () => `oz-pool-${randomUUID()}`;
/** The run a container's name says it serves (Docker lists names with a leading slash). */
const runIdOfName = (name: string | undefined) => /^\/?oz-run-(.+)$/.exec(name ?? "")?.[1] ?? "";

/**
 * Sandboxes as Docker containers, hardened by default: every capability dropped, no-new-privileges, an init
 * process reaping zombies, pids / memory (no swap) / CPU limits, the sandbox user (uid 1000) for every process,
 * no mounts at all (so no Docker socket and no host paths), and `none` networking when the spec asks for it.
 */
export class DockerSandboxProvider implements SandboxProvider {
  private readonly docker: Docker;
  private readonly pullStallTimeoutMs: number;
  private readonly workdirs = new WorkdirPreparer();
  private readonly network: string;
  private readonly diskLimitMb: number | undefined;
  /** The sandbox network, made once per provider (a failed attempt is tried again by the next sandbox). */
  private networkReady: Promise<void> | undefined;
  private readonly holders: NetworkHolderPool | undefined;
  /** Sandbox container id → the holder whose namespace it joined (null: none), for sandboxes made here. */
  private readonly joinedHolders = new Map<string, string | null>();

  constructor(options: DockerSandboxProviderOptions = {}) {
    this.docker = options.docker ?? new Docker();
    this.pullStallTimeoutMs = options.pullStallTimeoutMs ?? 15_000;
    this.network = options.network ?? "bridge";
    this.diskLimitMb = options.diskLimitMb;
    const holders = options.networkHolders;
    if (holders && holders.size > 0) {
      this.holders = new NetworkHolderPool(this.docker, { network: this.network, ...holders });
    }
  }

  async engineProblem(): Promise<string | null> {
    try {
      // dockerode takes an abort signal here; its types do not say so.
      const ping = this.docker.ping.bind(this.docker) as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: AbortSignal.timeout(ENGINE_PING_TIMEOUT_MS) });
      return null;
    } catch (err) {
      return dockerReasonOf(err);
    }
  }

  /** Makes the sandbox network if it is missing (otherwise the first networked sandbox does). */
  ensureNetwork(): Promise<void> {
    if (this.network === "bridge") return Promise.resolve();
    this.networkReady ??= ensureSandboxNetwork(this.docker, this.network).catch((err: unknown) => {
      this.networkReady = undefined;
      throw err;
    });
    return this.networkReady;
  }

  /** The host's address on the sandbox network (its gateway), where sandboxes can reach a service of the host. */
  async networkGateway(): Promise<string | undefined> {
    await this.ensureNetwork();
    return networkGateway(this.docker, this.network);
  }

  async create(spec: SandboxSpec): Promise<Sandbox> {
    if (spec.network === "bridge") await this.ensureNetwork();
    const holders = spec.network === "bridge" ? this.holders : undefined;
    const holder = holders?.take(spec.image);
    try {
      if (holder === undefined) return await this.createWith(spec, undefined);
      try {
        return await this.createWith(spec, holder);
      } catch {
        // The holder may have died since it was made (removed by hand, OOM): wire this sandbox the usual way.
        return await this.createWith(spec, undefined);
      }
    } finally {
      holders?.sandboxStarted(spec.image);
    }
  }

  private async createWith(spec: SandboxSpec, holder: string | undefined): Promise<Sandbox> {
    const container = await this.createContainer(spec, holder).catch(async (err: unknown) => {
      if (holder !== undefined) await removeHolder(this.docker, holder).catch(() => undefined);
      throw err;
    });
    this.joinedHolders.set(container.id, holder ?? null);
    let main: MainShell | undefined;
    try {
      await this.workdirs.prepare(container, spec.image, spec.workdir);
      main = await MainShell.attach(container);
      await container.start();
      await main.whenReady();
    } catch (err) {
      main?.close();
      await this.remove(container.id).catch(() => undefined);
      throw toSandboxError(err, "create_failed", `could not start the sandbox ${sandboxName(spec)}`);
    }
    return this.sandboxOf(container, spec.runId, spec.workdir, main);
  }

  /**
   * No image check up front (that would cost every run a round trip): a create that fails for want of the image
   * pulls it once and tries again. A leftover container of the same run (an earlier attempt that never got
   * cleaned up) is replaced: the caller holds the run's claim, so the leftover is dead weight.
   */
  private async createContainer(
    spec: SandboxSpec,
    holder: string | undefined,
    retry = { pulled: false, replaced: false },
  ): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(
        containerOptions(spec, { network: this.network, holder, diskLimitMb: this.diskLimitMb }),
      );
    } catch (err) {
      const status = dockerStatusOf(err);
      if (status === 404 && !retry.pulled) {
        await this.pullImage(spec.image);
        return this.createContainer(spec, holder, { ...retry, pulled: true });
      }
      if (status === 409 && !retry.replaced && spec.pool === undefined) {
        await this.remove(containerName(spec.runId));
        return this.createContainer(spec, holder, { ...retry, replaced: true });
      }
      throw toSandboxError(err, "create_failed", `could not create the sandbox ${sandboxName(spec)}`);
    }
  }

  private async pullImage(image: string): Promise<void> {
    const stalled = new AbortController();
    let stallTimer: NodeJS.Timeout | undefined;
    const restartStallTimer = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => stalled.abort(), this.pullStallTimeoutMs);
    };
    try {
      restartStallTimer();
      const progress = (await this.docker.pull(image, { abortSignal: stalled.signal })) as Readable;
      await new Promise<void>((resolve, reject) => {
        stalled.signal.addEventListener("abort", () => {
          progress.destroy();
          reject(new Error(`the registry sent nothing for ${this.pullStallTimeoutMs} ms`));
        });
        this.docker.modem.followProgress(
          progress,
          (err: unknown, events: { error?: string }[]) => {
            // The daemon reports a failed pull as an event in an otherwise successful response.
            const failure = err ?? events.find((event) => event.error)?.error;
            if (failure) reject(failure instanceof Error ? failure : new Error(String(failure)));
            else resolve();
          },
          restartStallTimer,
        );
      });
    } catch (err) {
      if (isDaemonUnreachable(err)) throw toSandboxError(err, "daemon_unavailable", "");
      throw new SandboxError(
        "image_missing",
        `image ${image} is not available locally and could not be pulled: ${dockerReasonOf(err)}`,
        { cause: err },
      );
    } finally {
      clearTimeout(stallTimer);
    }
  }

  async get(id: string): Promise<Sandbox | null> {
    const container = this.docker.getContainer(id);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (err) {
      if (dockerStatusOf(err) === 404) return null;
      throw toSandboxError(err, "daemon_unavailable", `Docker could not inspect sandbox ${id}`);
    }
    const labels = info.Config.Labels ?? {};
    if (labels[SANDBOX_MARKER_LABEL] !== "1") return null;
    const runId = labels[SANDBOX_LABELS.pool] ? runIdOfName(info.Name) : (labels[SANDBOX_LABELS.runId] ?? "");
    return this.sandboxOf(this.docker.getContainer(info.Id), runId, info.Config.WorkingDir);
  }

  async list(filter: { runId?: string; workerId?: string } = {}): Promise<SandboxSummary[]> {
    const label = [`${SANDBOX_MARKER_LABEL}=1`];
    if (filter.workerId !== undefined) label.push(`${SANDBOX_LABELS.workerId}=${filter.workerId}`);
    if (filter.runId === undefined) return (await this.listContainers(label)).map(summaryOf);
    // A run's sandbox carries its label, or came from a warm pool and carries its name (labels cannot change).
    const [labelled, pooled] = await Promise.all([
      this.listContainers([...label, `${SANDBOX_LABELS.runId}=${filter.runId}`]),
      this.listContainers([...label, SANDBOX_LABELS.pool]),
    ]);
    return [...labelled, ...pooled].map(summaryOf).filter((sandbox) => sandbox.runId === filter.runId);
  }

  private async listContainers(label: string[]): Promise<Docker.ContainerInfo[]> {
    try {
      return await this.docker.listContainers({ all: true, filters: { label } });
    } catch (err) {
      throw toSandboxError(err, "daemon_unavailable", "Docker could not list sandboxes");
    }
  }

  /** A rename: the name is the worker's to set (nothing inside the sandbox can change it), labels are fixed. */
  async assignToRun(id: string, runId: string, replaced = false): Promise<void> {
    try {
      await this.docker.getContainer(id).rename({ name: containerName(runId) });
    } catch (err) {
      if (dockerStatusOf(err) === 409 && !replaced) {
        await this.remove(containerName(runId));
        return this.assignToRun(id, runId, true);
      }
      throw toSandboxError(err, "daemon_unavailable", `Docker could not assign sandbox ${id} to run ${runId}`);
    }
  }

  async imageId(image: string): Promise<string | null> {
    try {
      return (await this.docker.getImage(image).inspect()).Id;
    } catch (err) {
      if (dockerStatusOf(err) === 404) return null;
      throw toSandboxError(err, "daemon_unavailable", `Docker could not inspect image ${image}`);
    }
  }

  /**
   * A forced removal SIGKILLs every process first; anonymous volumes of the image go with it. The network holder
   * the sandbox joined goes too (known for sandboxes made here, else read from the sandbox's label).
   */
  async remove(id: string): Promise<void> {
    try {
      const holder = this.joinedHolders.has(id) ? this.joinedHolders.get(id) : await this.joinedHolderLabelOf(id);
      await this.docker.getContainer(id).remove({ force: true, v: true });
      this.joinedHolders.delete(id);
      if (holder) await removeHolder(this.docker, holder);
    } catch (err) {
      const status = dockerStatusOf(err);
      // 404: already gone; 409: a removal is already under way.
      if (status === 404 || status === 409) return;
      throw toSandboxError(err, "daemon_unavailable", `Docker could not remove sandbox ${id}`);
    }
  }

  private async joinedHolderLabelOf(id: string): Promise<string | undefined> {
    const info = await this.docker.getContainer(id).inspect();
    return info.Config.Labels?.[JOINED_HOLDER_LABEL];
  }

  /** Also removes `workerId`'s network holders that this provider does not keep idle and no sandbox joined. */
  async reapOrphans(workerId: string, liveRunIds: ReadonlySet<string>): Promise<string[]> {
    const orphans = (await this.list({ workerId })).filter((sandbox) => !liveRunIds.has(sandbox.runId));
    await Promise.all(orphans.map((sandbox) => this.remove(sandbox.id)));
    await reapUnusedHolders(this.docker, workerId, this.holders, { inFlightGraceMs: 0 }).catch(() => undefined);
    return orphans.map((sandbox) => sandbox.id);
  }

  /** Makes network holders for sandboxes of `image` ahead of the first one (nothing without network holders). */
  prepareNetworkFor(image: string): void {
    this.holders?.prepareFor(image);
  }

  /** Removes the network holders kept ready; sandboxes are not touched. */
  async close(): Promise<void> {
    await this.holders?.close();
  }

  private sandboxOf(container: Docker.Container, runId: string, workdir: string, main?: MainShell): DockerSandbox {
    return new DockerSandbox(container, runId, workdir, (id) => this.remove(id), main ?? null);
  }
}

function containerOptions(
  spec: SandboxSpec,
  host: { network: string; holder: string | undefined; diskLimitMb: number | undefined },
): Docker.ContainerCreateOptions {
  const memoryBytes = spec.resources.memoryMb * 1024 * 1024;
  const networked = spec.network === "bridge";
  return {
    name: spec.pool === undefined ? containerName(spec.runId) : poolContainerName(),
    Image: spec.image,
    // Work arrives through exec, or as the main shell's one final command (docker-main-shell.ts).
    ...mainShellContainerOptions(spec.directories ?? []),
    User: `${SANDBOX_UID}:${SANDBOX_GID}`,
    WorkingDir: spec.workdir,
    Env: Object.entries(spec.env).map(([name, value]) => `${name}=${value}`),
    Labels: {
      [SANDBOX_MARKER_LABEL]: "1",
      [SANDBOX_LABELS.runId]: spec.runId,
      [SANDBOX_LABELS.workerId]: spec.workerId,
      [SANDBOX_LABELS.teamId]: spec.teamId,
      ...(spec.pool !== undefined && { [SANDBOX_LABELS.pool]: spec.pool }),
      ...(host.holder !== undefined && { [JOINED_HOLDER_LABEL]: host.holder }),
    },
    HostConfig: {
      Init: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      PidsLimit: spec.resources.pidsLimit,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(spec.resources.cpus * 1e9),
      NetworkMode: !networked ? "none" : host.holder !== undefined ? `container:${host.holder}` : host.network,
      // No IPv6 at all: the sandbox network has none, and a link-local address would still reach the bridge.
      // (A holder's namespace has these already; Docker refuses them for a joined namespace.)
      ...(networked &&
        host.holder === undefined && {
          Sysctls: { "net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1" },
        }),
      ...(host.diskLimitMb !== undefined && { StorageOpt: { size: `${host.diskLimitMb}M` } }),
      // The main shell's output is read through the worker's attachment; exec output never goes to the log.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

/** How a failure names the sandbox: by its run, or as a warm-pool sandbox of its environment. */
const sandboxName = (spec: SandboxSpec) =>
  spec.pool === undefined ? `of run ${spec.runId}` : `for the warm pool of environment ${spec.pool}`;

function summaryOf(container: Docker.ContainerInfo): SandboxSummary {
  const pool = container.Labels[SANDBOX_LABELS.pool] ?? null;
  return {
    id: container.Id,
    runId: pool === null ? (container.Labels[SANDBOX_LABELS.runId] ?? "") : runIdOfName(container.Names[0]),
    workerId: container.Labels[SANDBOX_LABELS.workerId] ?? "",
    teamId: container.Labels[SANDBOX_LABELS.teamId] ?? "",
    running: container.State === "running",
    starting: container.State === "created",
    createdAt: new Date(container.Created * 1000),
    pool,
  };
}
