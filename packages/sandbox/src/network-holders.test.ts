import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { beforeAll, describe, expect, it } from "vitest";
import { DockerSandboxProvider } from "./docker-provider.ts";
import { JOINED_HOLDER_LABEL, NETWORK_HOLDER_LABEL, reapUnusedHolders } from "./network-holders.ts";
import { SANDBOX_LABELS } from "./port.ts";
import {
  installTestFirewall,
  runIn,
  TEST_IMAGE,
  TEST_SANDBOX_NETWORK,
  useTestSandboxes,
  waitForNetworkHolders,
} from "./test-sandboxes.ts";

const docker = new Docker();
const sandboxes = useTestSandboxes({}, { network: TEST_SANDBOX_NETWORK, networkHolders: 2 });

async function exists(id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

beforeAll(async () => {
  await installTestFirewall();
  await sandboxes.provider.ensureNetwork();
});

describe("network holders", () => {
  it("are hardened like sandboxes and hold nothing of a run", async () => {
    sandboxes.provider.prepareNetworkFor(TEST_IMAGE);
    const [holder] = await waitForNetworkHolders(sandboxes.workerId, 2);
    const info = await docker.getContainer(holder!).inspect();
    expect(info.Config.User).toBe("1000:1000");
    expect(info.HostConfig).toMatchObject({
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      NetworkMode: TEST_SANDBOX_NETWORK,
    });
    expect(info.Mounts).toEqual([]);
    expect(info.Config.Env?.filter((entry) => !entry.startsWith("PATH="))).toEqual([]);
  });

  it("give a sandbox its network ready-made, and go when the sandbox goes", async () => {
    sandboxes.provider.prepareNetworkFor(TEST_IMAGE);
    const ready = await waitForNetworkHolders(sandboxes.workerId, 2);
    const sandbox = await sandboxes.create({ env: { SOME_SECRET: "s3cr3t-value" } });

    const info = await docker.getContainer(sandbox.id).inspect();
    const holder = info.Config.Labels[JOINED_HOLDER_LABEL]!;
    expect(ready).toContain(holder);
    expect(info.HostConfig.NetworkMode).toBe(`container:${holder}`);
    // The sandbox has the holder's network: an address on the sandbox network, IPv6 off.
    const network = await runIn(sandbox, "hostname -i; cat /proc/sys/net/ipv6/conf/all/disable_ipv6");
    expect(network.stdout).toMatch(/^\d+\.\d+\.\d+\.\d+\n1\n$/);
    // The run's environment is the sandbox's only, never the holder's.
    expect((await docker.getContainer(holder).inspect()).Config.Env?.join(" ")).not.toContain("s3cr3t");

    await sandbox.destroy();
    expect(await exists(holder)).toBe(false);
    // The pool makes a new one for the next sandbox.
    await waitForNetworkHolders(sandboxes.workerId, 2);
  });

  it("do not fail a sandbox when one has died: it is wired the usual way", async () => {
    sandboxes.provider.prepareNetworkFor(TEST_IMAGE);
    const ready = await waitForNetworkHolders(sandboxes.workerId, 2);
    await Promise.all(ready.map((id) => docker.getContainer(id).remove({ force: true })));

    const sandbox = await sandboxes.create();
    const info = await docker.getContainer(sandbox.id).inspect();
    expect(info.HostConfig.NetworkMode).toBe(TEST_SANDBOX_NETWORK);
    expect((await runIn(sandbox, "echo alive")).stdout).toBe("alive\n");
  });

  it("are removed when their worker stops, and by the next life of a worker that died", async () => {
    const workerId = `${sandboxes.workerId}-life`;
    const firstLife = new DockerSandboxProvider({
      network: TEST_SANDBOX_NETWORK,
      networkHolders: { size: 2, workerId },
    });
    firstLife.prepareNetworkFor(TEST_IMAGE);
    const leftBehind = await waitForNetworkHolders(workerId, 2);
    // The first life dies without closing; the next one cleans up at its start.
    const nextLife = new DockerSandboxProvider({
      network: TEST_SANDBOX_NETWORK,
      networkHolders: { size: 1, workerId },
    });
    await nextLife.reapOrphans(workerId, new Set());
    for (const id of leftBehind) expect(await exists(id)).toBe(false);

    nextLife.prepareNetworkFor(TEST_IMAGE);
    const [kept] = await waitForNetworkHolders(workerId, 1);
    await nextLife.close();
    await firstLife.close();
    expect(await exists(kept!)).toBe(false);
  });

  it("left created by a worker that died before starting them are removed by another worker after a minute", async () => {
    const created = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ["sh", "-c", "read -r _"],
      Labels: { [NETWORK_HOLDER_LABEL]: "1", [SANDBOX_LABELS.workerId]: `${sandboxes.workerId}-died-mid-create` },
      HostConfig: { NetworkMode: TEST_SANDBOX_NETWORK },
    });
    try {
      // Even the sweep of a worker's start, which takes its own holders at once, leaves another's being made.
      expect(await reapUnusedHolders(docker, sandboxes.workerId, undefined, { inFlightGraceMs: 0 })).not.toContain(
        created.id,
      );
      expect(await exists(created.id)).toBe(true);
      const aMinuteLater = Date.now() + 61_000;
      expect(await reapUnusedHolders(docker, sandboxes.workerId, undefined, { now: aMinuteLater })).toContain(
        created.id,
      );
      expect(await exists(created.id)).toBe(false);
    } finally {
      await created.remove({ force: true }).catch(() => {});
    }
  });

  it("stop when their worker dies, and another worker removes them", async () => {
    const workerId = `${sandboxes.workerId}-killed`;
    const provider = fileURLToPath(new URL("./docker-provider.ts", import.meta.url));
    const worker = spawn(process.execPath, [
      "--experimental-transform-types",
      "--disable-warning=ExperimentalWarning",
      "--input-type=module",
      "-e",
      `const { DockerSandboxProvider } = await import(${JSON.stringify(provider)});
       new DockerSandboxProvider({ network: ${JSON.stringify(TEST_SANDBOX_NETWORK)},
         networkHolders: { size: 2, workerId: ${JSON.stringify(workerId)} } }).prepareNetworkFor(${JSON.stringify(TEST_IMAGE)});
       setInterval(() => {}, 1000);`,
    ]);
    try {
      const holders = await waitForNetworkHolders(workerId, 2);
      worker.kill("SIGKILL");
      for (const id of holders) {
        await expect
          .poll(async () => (await docker.getContainer(id).inspect()).State.Running, { timeout: 15_000 })
          .toBe(false);
      }
      const removed = await reapUnusedHolders(docker, sandboxes.workerId, undefined);
      expect(removed).toEqual(expect.arrayContaining(holders));
    } finally {
      worker.kill("SIGKILL");
    }
  });
});
