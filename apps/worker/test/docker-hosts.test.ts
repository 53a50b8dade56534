import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineFirewallRunner, FIREWALL_HELPER_LABEL, SandboxFirewall } from "@oz/sandbox";
import { buildIptablesHelperImage, startExtraEngine, type ExtraEngine } from "./support/docker-engines.ts";
import {
  call,
  commandRun,
  containersOfWorkers,
  startTestPlatform,
  TEST_IMAGE,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";
import type { TestWorker } from "./support/test-worker.ts";

const run = promisify(execFile);
const hostBridgeExists = () =>
  run("ip", ["link", "show", "docker0"]).then(
    () => true,
    () => false,
  );

let docker0Before: boolean;
let engines: ExtraEngine[] = [];
let platform: TestPlatform;
/** The worker on the machine's own engine, then one per extra engine (unix socket; TCP with TLS). */
let workers: TestWorker[];

beforeAll(async () => {
  docker0Before = await hostBridgeExists();
  engines = [
    await startExtraEngine(1, { images: [TEST_IMAGE] }),
    await startExtraEngine(2, { tls: true, images: [TEST_IMAGE] }),
  ];
  platform = await startTestPlatform({ concurrency: 2, leaseMs: 2_000 });
  workers = [
    platform.worker,
    ...(await Promise.all(engines.map((engine) => platform.addWorker({ concurrency: 2 }, { docker: engine.docker })))),
  ];
}, 180_000);

afterAll(async () => {
  await platform?.close();
  for (const engine of engines) await engine.remove();
  // The extra engines must leave the host's own engine as it was (a `--bridge=none` engine would delete docker0).
  expect(await hostBridgeExists()).toBe(docker0Before);
}, 120_000);

/** Which worker (so which engine) ran each run. */
async function workerOf(runIds: string[]): Promise<Map<string, string>> {
  const rows = await platform.server.database.db.run.findMany({
    where: { id: { in: runIds } },
    select: { id: true, workerId: true },
  });
  return new Map(rows.map((row) => [row.id, row.workerId ?? ""]));
}

async function downloadArtifact(runId: string, filename: string): Promise<string> {
  const item = await waitForState(platform, runId);
  const artifact = item.artifacts?.find((a) => a.data.filename === filename);
  expect(artifact, `run ${runId} has ${filename}`).toBeDefined();
  const meta = await call(platform.server, "GET", `/agent/artifacts/${artifact!.data.artifact_uid}`, {
    key: platform.key,
  });
  const res = await fetch(meta.json.data.download_url.replace("http://oz.test", platform.server.origin));
  expect(res.status).toBe(200);
  return res.text();
}

describe("workers driving several Docker engines", () => {
  it("spreads runs over every engine, and the API serves the artifacts each collected", async () => {
    const runIds = await Promise.all(
      Array.from({ length: 9 }, () =>
        commandRun(
          platform,
          'sleep 1; cat /etc/hostname > "$OZ_ARTIFACTS_DIR/where.txt"; echo "$OZ_RUN_ID" >> "$OZ_ARTIFACTS_DIR/where.txt"',
        ),
      ),
    );
    for (const runId of runIds)
      expect((await waitForState(platform, runId, undefined, 60_000)).state).toBe("SUCCEEDED");

    const ranOn = await workerOf(runIds);
    expect(new Set(ranOn.values())).toEqual(new Set(workers.map((w) => w.settings.workerId)));
    for (const runId of runIds) {
      const [hostname, id] = (await downloadArtifact(runId, "where.txt")).trim().split("\n");
      expect(id).toBe(runId);
      expect(hostname).toMatch(/^[0-9a-f]{12}$/);
    }
    await expectNoSandboxesLeft();
  }, 120_000);

  it("ends the runs of an engine that stops with ERROR saying so, while the other engines' runs finish", async () => {
    const runIds = await Promise.all(Array.from({ length: 6 }, () => commandRun(platform, "sleep 6; echo finished")));
    for (const runId of runIds) await waitForState(platform, runId, ["INPROGRESS"], 60_000);
    const ranOn = await workerOf(runIds);
    const stoppedWorker = workers[1]!.settings.workerId;
    const onStopped = runIds.filter((id) => ranOn.get(id) === stoppedWorker);
    expect(onStopped.length).toBeGreaterThan(0);

    await engines[0]!.stop();
    for (const runId of runIds) {
      const item = await waitForState(platform, runId, undefined, 60_000);
      if (onStopped.includes(runId)) {
        expect(item.state, runId).toBe("ERROR");
        expect(item.status_message?.message).toMatch(/Docker engine .* stopped/);
      } else {
        expect(item.state, runId).toBe("SUCCEEDED");
      }
    }
    await expectNoSandboxesLeft(engines.slice(1));

    // The engine's host comes back: its worker's sweep removes the sandboxes the stop left behind.
    await engines[0]!.restart();
    await workers[1]!.worker.sweepNow();
    await expectNoSandboxesLeft();
  }, 180_000);
});

describe("the sandbox firewall on a remote engine's host", () => {
  it("is installed by a short-lived helper container (NET_ADMIN, host network) on that engine", async () => {
    const engine = engines[1]!;
    const helperImage = "oz-test/iptables-helper:latest";
    await buildIptablesHelperImage(engine.docker, helperImage, TEST_IMAGE);
    const firewall = new SandboxFirewall(
      { bridge: engine.bridge, allowedCidrs: ["10.9.8.0/24"] },
      engineFirewallRunner(engine.docker, helperImage, engine.env.DOCKER_HOST!),
    );
    try {
      expect(await firewall.installed()).toBe(false);
      await firewall.install();
      // The engine shares this machine's network namespace: its host's rules are these.
      const { stdout } = await run("iptables", ["-w", "-S", firewall.forwardChain]);
      expect(stdout).toContain(`-A ${firewall.forwardChain} -d 10.9.8.0/24 -j RETURN`);
      expect(stdout).toContain(`-A ${firewall.forwardChain} -d 192.168.0.0/16 -j REJECT`);
      await run("iptables", ["-w", "-C", "DOCKER-USER", "-i", engine.bridge, "-j", firewall.forwardChain]);
      expect(await firewall.installed()).toBe(true);
      const helpers = await engine.docker.listContainers({ all: true, filters: { label: [FIREWALL_HELPER_LABEL] } });
      expect(helpers).toEqual([]);

      const missing = new SandboxFirewall(
        { bridge: engine.bridge, allowedCidrs: [] },
        engineFirewallRunner(engine.docker, "oz-test/no-such-image:latest", engine.env.DOCKER_HOST!),
      );
      await expect(missing.install()).rejects.toThrow(/on the Docker engine's host .*cannot start the firewall helper/);
    } finally {
      await removeFirewall(firewall, engine.bridge);
    }
  }, 120_000);
});

async function expectNoSandboxesLeft(live: ExtraEngine[] = engines) {
  const ids = workers.map((w) => w.settings.workerId);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = [
      ...(await containersOfWorkers(ids)),
      ...(
        await Promise.all(live.map((e) => e.docker.listContainers({ all: true, filters: { label: ["oz.sandbox=1"] } })))
      ).flat(),
    ];
    if (left.length === 0) return;
    if (Date.now() > deadline) expect(left.map((c) => c.Names)).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Takes the test's chains and hooks out of this machine's firewall again. */
async function removeFirewall(firewall: SandboxFirewall, bridge: string) {
  const quiet = (args: string[], command = "iptables") => run(command, ["-w", ...args]).catch(() => {});
  await quiet(["-D", "DOCKER-USER", "-i", bridge, "-j", firewall.forwardChain]);
  await quiet(["-D", "INPUT", "-i", bridge, "-j", firewall.inputChain]);
  await quiet(["-D", "FORWARD", "-i", bridge, "-j", "DROP"], "ip6tables");
  await quiet(["-D", "INPUT", "-i", bridge, "-j", "DROP"], "ip6tables");
  for (const chain of [firewall.forwardChain, firewall.inputChain]) {
    await quiet(["-F", chain]);
    await quiet(["-X", chain]);
  }
}
