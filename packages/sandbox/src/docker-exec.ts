import type { Duplex, Readable } from "node:stream";
import type Docker from "dockerode";
import { dockerStatusOf, toSandboxError } from "./docker-errors.ts";
import { createOutputDemuxer } from "./docker-stream.ts";
import { SandboxError, type ExecOptions } from "./port.ts";

/** What `sh` reports for a process ended by SIGKILL (128 + 9): kills, timeouts and the OOM killer. */
export const KILLED_EXIT_CODE = 137;

/**
 * Every command runs under this wrapper: it prints its pid on the first stdout line, then becomes the command.
 * Docker starts each exec in a new session, so that pid is also the process group and session id of everything
 * the command starts — what a kill has to target, since the Engine API has no way to signal an exec.
 */
const WRAPPER = 'echo "$$"; exec sh -c "$1"';

/**
 * Kills the exec's process group, then any other process of its session (children that made their own group).
 * Builtins only (kill, read, globbing), so it still works when the pids limit leaves no room to fork.
 * `kill -9 -PID` is the spelling busybox ash, dash and bash all accept.
 */
const KILL_SESSION = `p=$1
kill -9 -"$p" 2>/dev/null
for f in /proc/[0-9]*/stat; do
  read -r s 2>/dev/null <"$f" || continue
  set -- \${s##*) }
  [ "$4" = "$p" ] || continue
  q=\${f#/proc/}
  kill -9 "\${q%/stat}" 2>/dev/null
done
exit 0`;

/** How often a kill is retried while the process lives on (a kill exec can fail while the pids limit is full). */
const KILL_RETRY_MS = 250;
/** After this long since the kill, the output stream is abandoned even if something still holds it open. */
const KILL_GRACE_MS = 1_500;
/** How long Docker may take to record an exit after the output stream closed (it is milliseconds, unless loaded). */
const EXIT_CODE_WAIT_MS = 5_000;

export interface ExecOutcome {
  exitCode: number;
  killedBy: "timeout" | "abort" | null;
}

/** Runs `command` through `sh -c` in a running container, streaming its output, until it exits or is killed. */
export async function execInContainer(
  container: Docker.Container,
  command: string,
  options: ExecOptions = {},
): Promise<ExecOutcome> {
  const { signal, timeoutMs, onOutput } = options;
  if (signal?.aborted) return { exitCode: KILLED_EXIT_CODE, killedBy: "abort" };

  const hasStdin = options.stdin !== undefined;
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Cmd: ["sh", "-c", WRAPPER, "sh", command],
      AttachStdin: hasStdin,
      AttachStdout: true,
      AttachStderr: true,
      WorkingDir: options.cwd,
      Env: options.env ? Object.entries(options.env).map(([name, value]) => `${name}=${value}`) : undefined,
    });
    stream = (await exec.start({ hijack: true, stdin: hasStdin })) as Duplex;
  } catch (err) {
    throw toSandboxError(err, "exec_failed", "could not start the command in the sandbox");
  }

  let resolvePid!: (pid: number | null) => void;
  const pid = new Promise<number | null>((resolve) => (resolvePid = resolve));
  let pidLine: string | null = "";
  const demuxer = createOutputDemuxer((source, text) => {
    if (source === "stdout" && pidLine !== null) {
      pidLine += text;
      const newline = pidLine.indexOf("\n");
      if (newline < 0) return;
      resolvePid(Number.parseInt(pidLine.slice(0, newline), 10) || null);
      text = pidLine.slice(newline + 1);
      pidLine = null;
      if (text.length === 0) return;
    }
    onOutput?.({ stream: source, text });
  });

  let killedBy: ExecOutcome["killedBy"] = null;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const streamEnded = new Promise<void>((resolve) => {
    const finish = () => {
      if (ended) return;
      ended = true;
      demuxer.end();
      resolvePid(null);
      resolve();
    };
    stream.on("data", (chunk: Buffer) => demuxer.push(chunk));
    stream.once("end", finish);
    stream.once("close", finish);
    stream.once("error", finish);
  });

  const kill = (reason: "timeout" | "abort") => {
    if (killedBy !== null || ended) return;
    killedBy = reason;
    void pid.then(async (target) => {
      if (target === null) return;
      const killedAt = Date.now();
      while (!ended && Date.now() - killedAt < KILL_GRACE_MS) {
        await killProcessSession(container, target);
        await new Promise((resolve) => timers.push(setTimeout(resolve, KILL_RETRY_MS)));
      }
      // Something outside the session (or a wedged daemon) keeps the stream open: stop waiting for it.
      if (!ended) stream.destroy();
    });
  };
  if (timeoutMs !== undefined) timers.push(setTimeout(() => kill("timeout"), timeoutMs));
  const onAbort = () => kill("abort");
  signal?.addEventListener("abort", onAbort, { once: true });

  if (hasStdin) stream.end(options.stdin);

  try {
    await streamEnded;
    return { exitCode: await exitCodeOf(exec, killedBy !== null), killedBy };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const timer of timers) clearTimeout(timer);
    stream.destroy();
  }
}

/** Best effort: a failed kill is retried by the caller, and the sandbox's removal kills everything anyway. */
async function killProcessSession(container: Docker.Container, pid: number): Promise<void> {
  try {
    const killer = await container.exec({ Cmd: ["sh", "-c", KILL_SESSION, "sh", String(pid)] });
    // A detached start still answers with an (empty) response stream, which holds a socket until read.
    ((await killer.start({ Detach: true })) as Readable).resume();
  } catch {
    // e.g. the pids limit is full or the container is gone
  }
}

/** The exec's exit code. Docker can close the stream a moment before it records the exit, so poll briefly. */
async function exitCodeOf(exec: Docker.Exec, killed: boolean): Promise<number> {
  const deadline = Date.now() + EXIT_CODE_WAIT_MS;
  do {
    let info: Docker.ExecInspectInfo;
    try {
      info = await exec.inspect();
    } catch (err) {
      // The sandbox was removed under the command (a cancel does that), which killed it.
      if (killed || dockerStatusOf(err) === 404) return KILLED_EXIT_CODE;
      throw toSandboxError(err, "exec_failed", "the command's outcome is unknown");
    }
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 10));
  } while (Date.now() < deadline);
  if (killed) return KILLED_EXIT_CODE;
  throw new SandboxError("exec_failed", "the command's output ended but Docker never reported its exit");
}
