import { describe, expect, it } from "vitest";
import { runIn as run, useTestSandboxes } from "./test-sandboxes.ts";

const { create } = useTestSandboxes();

/** How many processes in the sandbox run `sleep <seconds>` (the [] keeps grep from counting itself). */
const countSleeps = (seconds: number) =>
  `grep -l "sleep.${String(seconds).slice(0, -1)}[${String(seconds).slice(-1)}]" /proc/[0-9]*/cmdline 2>/dev/null | wc -l`;

describe("running commands in a sandbox", () => {
  it("streams output live, in the order it was printed, stdout and stderr apart", async () => {
    const sandbox = await create();
    const startedAt = Date.now();
    const result = await run(sandbox, "echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three; sleep 1");
    const finishedAt = Date.now();

    expect(result.exitCode).toBe(0);
    expect(result.chunks.map(({ stream, text }) => [stream, text])).toEqual([
      ["stdout", "one\n"],
      ["stderr", "two\n"],
      ["stdout", "three\n"],
    ]);
    // The first line arrived while the command was still running, not in one batch at the end.
    expect(result.chunks[0]!.at - startedAt).toBeLessThan(finishedAt - startedAt - 1_000);
  });

  it("keeps multi-byte characters whole even when they are written a byte at a time", async () => {
    const sandbox = await create();
    const result = await run(
      sandbox,
      String.raw`printf '\303'; sleep 0.2; printf '\251t\342\234'; sleep 0.2; printf '\223\n'`,
    );
    expect(result.stdout).toBe("ét✓\n");
  });

  it("reports the command's exit code", async () => {
    const sandbox = await create();
    expect((await sandbox.exec("true")).exitCode).toBe(0);
    expect((await sandbox.exec("exit 3")).exitCode).toBe(3);
    expect((await sandbox.exec("no-such-command-here")).exitCode).toBe(127);
    const killed = await sandbox.exec("kill -9 $$");
    expect(killed).toEqual({ exitCode: 137, timedOut: false, oomKilled: false });
  });

  it("gives commands the sandbox's environment, their own variables, a working directory and stdin", async () => {
    const sandbox = await create({ env: { OZ_RUN_ID: "run-42", GREETING: "hello world" } });
    const result = await run(sandbox, 'echo "$OZ_RUN_ID|$GREETING|$EXTRA|$(pwd)"; cat', {
      env: { EXTRA: "x=y" },
      cwd: "/tmp",
      stdin: "from stdin\n",
    });
    expect(result.stdout).toBe("run-42|hello world|x=y|/tmp\nfrom stdin\n");
    expect((await run(sandbox, "pwd")).stdout).toBe("/workspace\n");
  });

  it("kills a command that runs past its timeout, children included", async () => {
    const sandbox = await create();
    const startedAt = Date.now();
    const result = await run(sandbox, "sleep 4321 & sleep 4321; echo never", { timeoutMs: 500 });

    expect(result).toMatchObject({ exitCode: 137, timedOut: true, oomKilled: false });
    expect(result.stdout).not.toContain("never");
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect((await run(sandbox, countSleeps(4321))).stdout.trim()).toBe("0");
  });

  it("kills a command within two seconds of an abort", async () => {
    const sandbox = await create();
    const abort = new AbortController();
    const finished = run(sandbox, "echo started; sleep 4322", { signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const abortedAt = Date.now();
    abort.abort();
    const result = await finished;

    expect(Date.now() - abortedAt).toBeLessThan(2_000);
    expect(result).toMatchObject({ stdout: "started\n", exitCode: 137, timedOut: false });
    expect((await run(sandbox, countSleeps(4322))).stdout.trim()).toBe("0");
  });

  it("does not start a command whose abort signal has already fired", async () => {
    const sandbox = await create();
    const result = await sandbox.exec("echo should-not-run > ran", { signal: AbortSignal.abort() });
    expect(result.exitCode).toBe(137);
    expect((await run(sandbox, "ls")).stdout).toBe("");
  });

  it("contains a fork bomb within the pids limit, and the command still ends", async () => {
    const sandbox = await create({ resources: { cpus: 1, memoryMb: 256, pidsLimit: 64 } });
    const startedAt = Date.now();
    const result = await sandbox.exec("bomb() { bomb | bomb & }; bomb; sleep 4323", { timeoutMs: 2_000 });

    // Either the timeout kills it, or the bomb starves the script's own `sleep` of pids and it exits first:
    // what matters is that the command ends, soon.
    expect(result.timedOut || result.exitCode !== 0).toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(8_000);
    // The bomb went with the command: the sandbox runs commands again, and so does a new one.
    expect((await run(sandbox, "echo fine")).stdout).toBe("fine\n");
    expect((await run(await create(), "echo fine")).stdout).toBe("fine\n");
  });

  it("reports a command killed for using more memory than the sandbox has", async () => {
    const sandbox = await create({ resources: { cpus: 1, memoryMb: 64, pidsLimit: 64 } });
    // `tail` keeps the last lines in memory, and /dev/zero has no line ends.
    const result = await sandbox.exec("tail /dev/zero", { timeoutMs: 20_000 });
    expect(result).toEqual({ exitCode: 137, timedOut: false, oomKilled: true });

    // A later kill that is not the OOM killer's is not reported as one.
    expect(await sandbox.exec("kill -9 $$")).toEqual({ exitCode: 137, timedOut: false, oomKilled: false });
  });
});
