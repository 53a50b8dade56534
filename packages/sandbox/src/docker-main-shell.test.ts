import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { SandboxError } from "./port.ts";
import { runIn as run, useTestSandboxes } from "./test-sandboxes.ts";

const { create, provider, workerId } = useTestSandboxes();
const docker = new Docker();

const isRunning = async (id: string) => (await docker.getContainer(id).inspect()).State.Running;

describe("a sandbox's final command", () => {
  it("runs as the sandbox's own main process, with the exec's environment, directory and output", async () => {
    const sandbox = await create({ env: { OZ_RUN_ID: "run-7" } });
    await run(sandbox, "mkdir -p sub && echo from-setup > sub/left.txt");

    const startedAt = Date.now();
    const result = await run(
      sandbox,
      `echo "parent=$PPID $OZ_RUN_ID|$EXTRA|$(pwd)|$(cat left.txt)"; sleep 0.3; echo oops >&2; exit 3`,
      { final: true, cwd: "/workspace/sub", env: { EXTRA: 'it\'s "quoted" $HOME' } },
    );

    // Its parent is the container's init: no `docker exec` started it.
    expect(result.stdout).toBe(`parent=1 run-7|it's "quoted" $HOME|/workspace/sub|from-setup\n`);
    expect(result.stderr).toBe("oops\n");
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, oomKilled: false });
    // Output arrives as it is printed, not when the command ends.
    expect(result.chunks[0]!.at - startedAt).toBeLessThan(result.chunks.at(-1)!.at - startedAt - 200);
    expect(await isRunning(sandbox.id)).toBe(false);
  });

  it("leaves the sandbox's files readable and refuses further commands", async () => {
    const sandbox = await create();
    await run(sandbox, "mkdir -p out && printf abc > out/a.txt", { final: true });

    expect((await sandbox.readFile("out/a.txt")).toString()).toBe("abc");
    expect(await sandbox.listFiles("out")).toEqual([{ path: "a.txt", size: 3 }]);
    const refused = await sandbox.exec("true").catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SandboxError);
    expect((refused as SandboxError).code).toBe("exec_failed");
    await expect(sandbox.writeFile("b.txt", "x")).rejects.toThrow(/stopped/);
  });

  it("is killed with everything it started when it runs past its timeout", async () => {
    const sandbox = await create();
    const startedAt = Date.now();
    const result = await run(sandbox, "sleep 4331 & sleep 4331; echo never", { final: true, timeoutMs: 500 });

    expect(result).toMatchObject({ exitCode: 137, timedOut: true, oomKilled: false });
    expect(result.stdout).not.toContain("never");
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(await isRunning(sandbox.id)).toBe(false);
  });

  it("is killed within two seconds of an abort, and does not start when already aborted", async () => {
    const sandbox = await create();
    const abort = new AbortController();
    const finished = run(sandbox, "echo started; sleep 4332", { final: true, signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const abortedAt = Date.now();
    abort.abort();
    const result = await finished;
    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(result).toMatchObject({ stdout: "started\n", exitCode: 137, timedOut: false });

    const other = await create();
    const skipped = await other.exec("echo ran > ran", { final: true, signal: AbortSignal.abort() });
    expect(skipped.exitCode).toBe(137);
    expect(await other.listFiles(".")).toEqual([]);
  });

  it("reports an out-of-memory kill", async () => {
    const sandbox = await create({ resources: { cpus: 1, memoryMb: 64, pidsLimit: 64 } });
    const result = await sandbox.exec("tail /dev/zero", { final: true, timeoutMs: 20_000 });
    expect(result).toEqual({ exitCode: 137, timedOut: false, oomKilled: true });
  });

  it("ends when the sandbox is destroyed under it", async () => {
    const sandbox = await create();
    const finished = sandbox.exec("sleep 4333", { final: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sandbox.destroy();
    expect((await finished).exitCode).toBe(137);
  });
});

describe("sandbox directories", () => {
  it("exist, owned by the sandbox user, when the sandbox is handed over", async () => {
    const sandbox = await create({ directories: ["/workspace/.oz/artifacts", "/tmp/a b"] });
    const result = await run(sandbox, "stat -c '%u %n' /workspace/.oz/artifacts '/tmp/a b'");
    expect(result.stdout).toBe("1000 /workspace/.oz/artifacts\n1000 /tmp/a b\n");
  });

  it("read as empty until something is written in them, however soon after the sandbox starts", async () => {
    const dirs = ["/workspace/.oz/artifacts", "/tmp"];
    const sandbox = await create({ directories: dirs });
    expect(await sandbox.listFiles(dirs[0]!)).toEqual([]);
    // A directory the image already had keeps its own date (and contents).
    expect((await run(sandbox, "stat -c %Y /tmp")).stdout.trim()).not.toBe("0");

    const other = await create({ directories: dirs });
    await run(other, "echo hi > /workspace/.oz/artifacts/a.txt && mkdir /workspace/.oz/artifacts/d", { final: true });
    expect(await other.listFiles(dirs[0]!)).toEqual([{ path: "a.txt", size: 3 }]);
  });

  it("that cannot be made fail the sandbox's creation with the shell's reason, leaving nothing behind", async () => {
    const err = await create({ directories: ["/etc/forbidden"] }).catch((thrown: unknown) => thrown);
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).code).toBe("create_failed");
    expect((err as SandboxError).message).toMatch(/Permission denied/i);
    expect(await provider.list({ workerId })).toEqual([]);
  });
});
