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
}

const containerName = (runId: string) => `oz-run-${runId}`;

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

  constructor(options: DockerSandboxProviderOptions = {}) {
    this.docker = options.docker ?? new Docker();
    this.pullStallTimeoutMs = options.pullStallTimeoutMs ?? 15_000;
    this.network = options.network ?? "bridge";
    this.diskLimitMb = options.diskLimitMb;
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

  async create(spec: SandboxSpec): Promise<Sandbox> {
    const container = await this.createContainer(spec);
    let main: MainShell | undefined;
    try {
      await this.workdirs.prepare(container, spec.image, spec.workdir);
      main = await MainShell.attach(container);
      await container.start();
      await main.whenReady();
    } catch (err) {
      main?.close();
      await this.remove(container.id).catch(() => undefined);
      throw toSandboxError(err, "create_failed", `could not start the sandbox of run ${spec.runId}`);
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
    retry = { pulled: false, replaced: false },
  ): Promise<Docker.Container> {
    if (spec.network === "bridge") await this.ensureNetwork();
    try {
      return await this.docker.createContainer(
        containerOptions(spec, { network: this.network, diskLimitMb: this.diskLimitMb }),
      );
    } catch (err) {
      const status = dockerStatusOf(err);
      if (status === 404 && !retry.pulled) {
        await this.pullImage(spec.image);
        return this.createContainer(spec, { ...retry, pulled: true });
      }
      if (status === 409 && !retry.replaced) {
        await this.remove(containerName(spec.runId));
        return this.createContainer(spec, { ...retry, replaced: true });
      }
      throw toSandboxError(err, "create_failed", `could not create the sandbox of run ${spec.runId}`);
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
    return this.sandboxOf(
      this.docker.getContainer(info.Id),
      labels[SANDBOX_LABELS.runId] ?? "",
      info.Config.WorkingDir,
    );
  }

  async list(filter: { runId?: string; workerId?: string } = {}): Promise<SandboxSummary[]> {
    const label = [`${SANDBOX_MARKER_LABEL}=1`];
    if (filter.runId !== undefined) label.push(`${SANDBOX_LABELS.runId}=${filter.runId}`);
    if (filter.workerId !== undefined) label.push(`${SANDBOX_LABELS.workerId}=${filter.workerId}`);
    let containers: Docker.ContainerInfo[];
    try {
      containers = await this.docker.listContainers({ all: true, filters: { label } });
    } catch (err) {
      throw toSandboxError(err, "daemon_unavailable", "Docker could not list sandboxes");
    }
    return containers.map((container) => ({
      id: container.Id,
      runId: container.Labels[SANDBOX_LABELS.runId] ?? "",
      workerId: container.Labels[SANDBOX_LABELS.workerId] ?? "",
      teamId: container.Labels[SANDBOX_LABELS.teamId] ?? "",
      running: container.State === "running",
    }));
  }

  /** One call: a forced removal SIGKILLs every process first. Anonymous volumes of the image go with it. */
  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const status = dockerStatusOf(err);
      // 404: already gone; 409: a removal is already under way.
      if (status === 404 || status === 409) return;
      throw toSandboxError(err, "daemon_unavailable", `Docker could not remove sandbox ${id}`);
    }
  }

  async reapOrphans(workerId: string, liveRunIds: ReadonlySet<string>): Promise<string[]> {
    const orphans = (await this.list({ workerId })).filter((sandbox) => !liveRunIds.has(sandbox.runId));
    await Promise.all(orphans.map((sandbox) => this.remove(sandbox.id)));
    return orphans.map((sandbox) => sandbox.id);
  }

  private sandboxOf(container: Docker.Container, runId: string, workdir: string, main?: MainShell): DockerSandbox {
    return new DockerSandbox(container, runId, workdir, (id) => this.remove(id), main ?? null);
  }
}

function containerOptions(
  spec: SandboxSpec,
  host: { network: string; diskLimitMb: number | undefined },
): Docker.ContainerCreateOptions {
  const memoryBytes = spec.resources.memoryMb * 1024 * 1024;
  const networked = spec.network === "bridge";
  return {
    name: containerName(spec.runId),
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
    },
    HostConfig: {
      Init: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      PidsLimit: spec.resources.pidsLimit,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(spec.resources.cpus * 1e9),
      NetworkMode: networked ? host.network : "none",
      // No IPv6 at all: the sandbox network has none, and a link-local address would still reach the bridge.
      ...(networked && {
        Sysctls: { "net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1" },
      }),
      ...(host.diskLimitMb !== undefined && { StorageOpt: { size: `${host.diskLimitMb}M` } }),
      // The main shell's output is read through the worker's attachment; exec output never goes to the log.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
