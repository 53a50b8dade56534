import { randomUUID } from "node:crypto";
import { DockerSandboxProvider, type Sandbox } from "@oz/sandbox";
import { afterEach } from "vitest";
import { SHELL_IMAGE } from "./test-images.ts";

/** Real Docker sandboxes for a test file, under a worker id of its own; each test's are removed after it. */
export function useSandboxes() {
  const provider = new DockerSandboxProvider();
  const workerId = `test-oz-harness-${randomUUID()}`;

  afterEach(async () => {
    const leftovers = await provider.list({ workerId });
    await Promise.all(leftovers.map((sandbox) => provider.remove(sandbox.id)));
  });

  return {
    create: (image: string = SHELL_IMAGE): Promise<Sandbox> =>
      provider.create({
        runId: randomUUID(),
        teamId: "test-team",
        workerId,
        image,
        env: {},
        network: "none",
        resources: { cpus: 1, memoryMb: 512, pidsLimit: 256 },
        workdir: "/workspace",
      }),
  };
}
