import { randomUUID } from "node:crypto";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { DockerSandboxProvider, SANDBOX_MARKER_LABEL } from "./docker-provider.ts";
import { SANDBOX_LABELS, SandboxError, type Sandbox } from "./port.ts";
import { TEST_IMAGE, useTestSandboxes } from "./test-sandboxes.ts";

const { provider, workerId, otherWorkerId, spec, create } = useTestSandboxes();
const docker = new Docker();

async function stdoutOf(sandbox: Sandbox, command: string): Promise<string> {
  let stdout = "";
  await sandbox.exec(command, { onOutput: ({ stream, text }) => (stdout += stream === "stdout" ? text : "") });
  return stdout;
}

async function sandboxError(promise: Promise<unknown>): Promise<SandboxError> {
  const err = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(err).toBeInstanceOf(SandboxError);
  return err as SandboxError;
}

describe("sandbox hardening", () => {
  it("creates the container with every default the design asks for", async () => {
    const sandbox = await create({
      teamId: "team-7",
      resources: { cpus: 0.5, memoryMb: 300, pidsLimit: 77 },
    });
    const info = await docker.getContainer(sandbox.id).inspect();

    expect(info.Name).toBe(`/oz-run-${sandbox.runId}`);
    expect(info.Config.Labels).toMatchObject({
      [SANDBOX_MARKER_LABEL]: "1",
      [SANDBOX_LABELS.runId]: sandbox.runId,
      [SANDBOX_LABELS.workerId]: workerId,
      [SANDBOX_LABELS.teamId]: "team-7",
    });
    expect(info.Config.User).toBe("1000:1000");
    expect(info.HostConfig).toMatchObject({
      Init: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Privileged: false,
      PidsLimit: 77,
      Memory: 300 * 1024 * 1024,
      MemorySwap: 300 * 1024 * 1024,
      NanoCpus: 500_000_000,
      NetworkMode: "bridge",
    });
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    expect(info.Mounts).toEqual([]);
  });

  it("runs commands as a non-root user with no capabilities, no new privileges and no Docker socket", async () => {
    const sandbox = await create();
    expect(await stdoutOf(sandbox, "id -u; id -g")).toBe("1000\n1000\n");
    const status = await stdoutOf(sandbox, "cat /proc/self/status");
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^CapBnd:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect((await sandbox.exec("test -e /var/run/docker.sock || test -e /run/docker.sock")).exitCode).toBe(1);
    // Its init reaps zombies: PID 1 is Docker's init, not the keep-alive.
    expect(await stdoutOf(sandbox, "cat /proc/1/comm")).toBe("docker-init\n");
  });

  it("has a network interface only when the network is on", async () => {
    const online = await create({ network: "bridge" });
    const offline = await create({ network: "none" });
    expect((await stdoutOf(online, "ls /sys/class/net")).split(/\s+/)).toContain("eth0");
    expect((await stdoutOf(offline, "ls /sys/class/net")).trim()).toBe("lo");
  });

  it("gives the sandbox user a writable working directory even when the image has none", async () => {
    for (const attempt of [1, 2]) {
      const sandbox = await create({ workdir: "/home/agent/projects/app" });
      const probe = await stdoutOf(sandbox, `pwd; touch made-${attempt} && stat -c %u .`);
      expect(probe).toBe("/home/agent/projects/app\n1000\n");
    }
  });
});

describe("sandbox lifecycle", () => {
  it("reports an image that is neither local nor pullable as image_missing, leaving nothing behind", async () => {
    const err = await sandboxError(create({ image: "oz-test/no-such-image:never" }));
    expect(err.code).toBe("image_missing");
    expect(err.message).toContain("image oz-test/no-such-image:never is not available locally and could not be pulled");
    expect(await provider.list({ workerId })).toEqual([]);
  });

  it("reports an unreachable Docker daemon as daemon_unavailable", async () => {
    const unreachable = new DockerSandboxProvider({ docker: new Docker({ socketPath: "/nonexistent/docker.sock" }) });
    expect((await sandboxError(unreachable.create(spec()))).code).toBe("daemon_unavailable");
    expect((await sandboxError(unreachable.list())).code).toBe("daemon_unavailable");
    expect(await unreachable.engineProblem()).toContain("/nonexistent/docker.sock");
    expect(await provider.engineProblem()).toBeNull();
  });

  it("destroys a sandbox, ending what runs in it, and destroying it again is harmless", async () => {
    const sandbox = await create();
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    const running = sandbox.exec("echo started; sleep 600", { onOutput: () => started() });
    await isRunning;
    await sandbox.destroy();

    expect((await running).exitCode).toBe(137);
    await sandbox.destroy();
    await provider.remove(sandbox.id);
    expect(await provider.get(sandbox.id)).toBeNull();
    expect(await provider.list({ runId: sandbox.runId })).toEqual([]);
  });

  it("reattaches to a running sandbox by id", async () => {
    const sandbox = await create({ workdir: "/workspace" });
    await sandbox.writeFile("hello.txt", "hi");

    const again = await provider.get(sandbox.id);
    expect(again?.runId).toBe(sandbox.runId);
    expect((await again!.readFile("hello.txt")).toString()).toBe("hi");
    expect(await provider.get("no-such-container")).toBeNull();
  });

  it("lists sandboxes by run and by worker", async () => {
    const first = await create({ teamId: "team-a" });
    const second = await create({ teamId: "team-b" });

    expect(await provider.list({ runId: first.runId })).toEqual([
      {
        id: first.id,
        runId: first.runId,
        workerId,
        teamId: "team-a",
        running: true,
        starting: false,
        createdAt: expect.any(Date),
        pool: null,
      },
    ]);
    const mine = await provider.list({ workerId });
    expect(mine.map((sandbox) => sandbox.id).sort()).toEqual([first.id, second.id].sort());
  });

  it("labels a warm-pool sandbox with its environment and finds it by run once assigned to one", async () => {
    const warm = await create({ runId: "", pool: "env-1", teamId: "team-a" });
    const [listed] = (await provider.list({ workerId })).filter((sandbox) => sandbox.id === warm.id);
    expect(listed).toMatchObject({ runId: "", pool: "env-1", teamId: "team-a", running: true });

    const runId = randomUUID();
    // A leftover sandbox of the same run (an earlier attempt) gives way.
    const leftover = await create({ runId });
    await provider.assignToRun(warm.id, runId);
    expect(await provider.list({ runId })).toEqual([expect.objectContaining({ id: warm.id, runId, pool: "env-1" })]);
    expect((await provider.get(warm.id))?.runId).toBe(runId);
    expect(await provider.get(leftover.id)).toBeNull();
  });

  it("tells an image's id, or null for an image that is not here", async () => {
    expect(await provider.imageId(TEST_IMAGE)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await provider.imageId("oz-test/no-such-image:never")).toBeNull();
  });

  it("reaps only this worker's sandboxes whose runs are no longer live", async () => {
    const live = await create();
    const orphan = await create();
    const othersOrphan = await provider.create(spec({ workerId: otherWorkerId }));

    const reaped = await provider.reapOrphans(workerId, new Set([live.runId]));

    expect(reaped).toEqual([orphan.id]);
    expect((await provider.list({ workerId })).map((sandbox) => sandbox.id)).toEqual([live.id]);
    expect((await provider.list({ workerId: otherWorkerId })).map((sandbox) => sandbox.id)).toEqual([othersOrphan.id]);
  });

  it("replaces a leftover sandbox when the same run gets a new one", async () => {
    const leftover = await create();
    const fresh = await create({ runId: leftover.runId });

    expect(fresh.id).not.toBe(leftover.id);
    expect((await provider.list({ runId: leftover.runId })).map((sandbox) => sandbox.id)).toEqual([fresh.id]);
  });
});
