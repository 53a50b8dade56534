import { randomUUID } from "node:crypto";
import { afterEach } from "vitest";
import { DockerSandboxProvider } from "./docker-provider.ts";
import type { SandboxSpec } from "./port.ts";

/** The image sandbox tests run in: OZ_TEST_IMAGE, or the busybox image scripts/build-test-images.sh makes. */
export const TEST_IMAGE = process.env.OZ_TEST_IMAGE ?? "oz-test/busybox:latest";

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
export function useTestSandboxes(defaults: Partial<SandboxSpec> = {}) {
  const provider = new DockerSandboxProvider();
  const workerId = `test-worker-${randomUUID()}`;
  /** A second worker, for tests about telling workers' sandboxes apart. */
  const otherWorkerId = `${workerId}-other`;

  const spec = (overrides: Partial<SandboxSpec> = {}): SandboxSpec =>
    testSandboxSpec(workerId, { ...defaults, ...overrides });

  afterEach(async () => {
    const leftovers = [...(await provider.list({ workerId })), ...(await provider.list({ workerId: otherWorkerId }))];
    await Promise.all(leftovers.map((sandbox) => provider.remove(sandbox.id)));
  });

  return {
    provider,
    workerId,
    otherWorkerId,
    spec,
    create: (overrides?: Partial<SandboxSpec>) => provider.create(spec(overrides)),
  };
}
