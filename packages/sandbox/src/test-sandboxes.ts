import { randomUUID } from "node:crypto";
import Docker from "dockerode";
import { afterAll, afterEach } from "vitest";
import { DockerSandboxProvider, type DockerSandboxProviderOptions } from "./docker-provider.ts";
import { JOINED_HOLDER_LABEL, NETWORK_HOLDER_LABEL } from "./network-holders.ts";
import { SandboxFirewall } from "./sandbox-firewall.ts";
import type { Sandbox, SandboxSpec } from "./port.ts";

/** The image sandbox tests run in: OZ_TEST_IMAGE, or the busybox image scripts/build-test-images.sh makes. */
export const TEST_IMAGE = process.env.OZ_TEST_IMAGE ?? "oz-test/busybox:latest";

/**
 * The isolated sandbox network tests use (not the production default, so a worker started on this machine with
 * other settings never changes what tests see), and its firewall: the same rules a worker installs, with the
 * host's address on Docker's default bridge allow-listed, where tests run their git daemon and fake servers.
 */
export const TEST_SANDBOX_NETWORK = "oz-sbx-test";
export const TEST_ALLOWED_CIDRS = ["172.17.0.1/32"];

export async function installTestFirewall(): Promise<SandboxFirewall> {
  const firewall = new SandboxFirewall({ bridge: TEST_SANDBOX_NETWORK, allowedCidrs: TEST_ALLOWED_CIDRS });
  await firewall.install();
  return firewall;
}

/** A sandbox for a test: a fresh run id, the test team, the test image; `overrides` win. */
export function testSandboxSpec(workerId: string, overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    runId: randomUUID(),
    teamId: "test-team",
    workerId,
    image: TEST_IMAGE,
    env: {},
    network: "bridge",
    resources: { cpus: 1, memoryMb: 256, pidsLimit: 128 },
    workdir: "/workspace",
    ...overrides,
  };
}

/**
 * A provider and a worker id of the calling test file's own: every sandbox its tests create carries that
 * worker id, and is removed after each test, so no test leaves a container behind or sees another file's.
 * `defaults` are the file's own choices (network, resources, image) over {@link testSandboxSpec}'s.
 */
export function useTestSandboxes(
  defaults: Partial<SandboxSpec> = {},
  providerOptions: Omit<DockerSandboxProviderOptions, "networkHolders"> & { networkHolders?: number } = {},
) {
  const workerId = `test-worker-${randomUUID()}`;
  const { networkHolders, ...options } = providerOptions;
  const provider = new DockerSandboxProvider({
    ...options,
    ...(networkHolders !== undefined && { networkHolders: { size: networkHolders, workerId } }),
  });
  /** A second worker, for tests about telling workers' sandboxes apart. */
  const otherWorkerId = `${workerId}-other`;

  const spec = (overrides: Partial<SandboxSpec> = {}): SandboxSpec =>
    testSandboxSpec(workerId, { ...defaults, ...overrides });

  afterEach(async () => {
    const leftovers = [...(await provider.list({ workerId })), ...(await provider.list({ workerId: otherWorkerId }))];
    await Promise.all(leftovers.map((sandbox) => provider.remove(sandbox.id)));
  });
  afterAll(() => provider.close());

  return {
    provider,
    workerId,
    otherWorkerId,
    spec,
    create: (overrides?: Partial<SandboxSpec>) => provider.create(spec(overrides)),
  };
}

/** Waits until `workerId` has `count` network holders that no sandbox joined (network-holders.ts). */
export async function waitForNetworkHolders(workerId: string, count: number, timeoutMs = 30_000): Promise<string[]> {
  const docker = new Docker();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [holders, joiners] = await Promise.all([
      docker.listContainers({ filters: { label: [`${NETWORK_HOLDER_LABEL}=1`, `oz.worker_id=${workerId}`] } }),
      docker.listContainers({ all: true, filters: { label: [JOINED_HOLDER_LABEL] } }),
    ]);
    const joined = new Set(joiners.map((container) => container.Labels[JOINED_HOLDER_LABEL]));
    const idle = holders.filter((holder) => !joined.has(holder.Id)).map((holder) => holder.Id);
    if (idle.length >= count) return idle;
    if (Date.now() > deadline) throw new Error(`${workerId} has ${idle.length} idle network holders, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs a command and gathers its output the way the worker sees it: chunks in arrival order, with timestamps. */
export async function runIn(sandbox: Sandbox, command: string, options: Parameters<Sandbox["exec"]>[1] = {}) {
  const chunks: { stream: "stdout" | "stderr"; text: string; at: number }[] = [];
  const result = await sandbox.exec(command, {
    ...options,
    onOutput: (chunk) => chunks.push({ ...chunk, at: Date.now() }),
  });
  const text = (stream: "stdout" | "stderr") =>
    chunks
      .filter((chunk) => chunk.stream === stream)
      .map((chunk) => chunk.text)
      .join("");
  return { ...result, chunks, stdout: text("stdout"), stderr: text("stderr") };
}

/** The environment a sandbox's container was created with: what any process started in it later would inherit. */
export async function containerEnvOf(sandbox: Sandbox): Promise<string[]> {
  return (await new Docker().getContainer(sandbox.id).inspect()).Config.Env ?? [];
}
