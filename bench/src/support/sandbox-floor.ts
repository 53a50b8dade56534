import { randomUUID } from "node:crypto";
import { DockerSandboxProvider, type Sandbox } from "@oz/sandbox";
import { SANDBOX_PATHS, testWorkerSettings } from "../../../apps/worker/test/support/test-worker.ts";
import { onCleanup } from "./cleanup.ts";
import { TEST_IMAGE } from "./platform.ts";

/**
 * Sandboxes exactly as the worker makes them (same provider, hardening, directories and resources), with nothing
 * else of ours around them: no API, queue, database or events. The command runs the way the command harness runs
 * it (as the sandbox's final command, its main process): what that costs is the sandbox layer's floor, against
 * which the rest of the platform's cost is read.
 */
export function sandboxFloor() {
  const provider = new DockerSandboxProvider();
  const workerId = `bench-floor-${randomUUID().slice(0, 8)}`;
  const { defaultResources } = testWorkerSettings();
  onCleanup(() => provider.reapOrphans(workerId, new Set()));
  return {
    create: (): Promise<Sandbox> =>
      provider.create({
        runId: randomUUID(),
        teamId: "bench",
        workerId,
        image: TEST_IMAGE,
        env: {},
        network: "bridge",
        resources: defaultResources,
        workdir: SANDBOX_PATHS.workspace,
        directories: [SANDBOX_PATHS.artifacts],
      }),
  };
}
