import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { dockerStatusOf, toSandboxError } from "./docker-errors.ts";
import { type ExecOutcome, KILLED_EXIT_CODE } from "./docker-exec.ts";
import { createOutputDemuxer } from "./docker-stream.ts";
import { SandboxError, type ExecOptions } from "./port.ts";
import { shellQuote } from "./shell-quote.ts";

/**
 * The sandbox's main process (after Docker's init). It creates the directories it is given as arguments (as the
 * sandbox user) and dates each one it made to {@link PRISTINE_MTIME}, prints one empty line to say it is ready,
 * then reads one script from its stdin until EOF and runs it. Waiting for that script is what keeps the container
 * alive for exec; builtins only (no `cat`), so the wait costs no process. The worker holds the only attachment to
 * that stdin (StdinOnce): if the worker dies, the script reads as empty, the shell exits and the container stops
 * with nothing running in it.
 */
export const MAIN_SHELL_SCRIPT = `for d do [ -d "$d" ] || { mkdir -p -- "$d" && touch -t 197001010000 -- "$d"; } || exit 125; done
echo
script=
while IFS= read -r line || [ -n "$line" ]; do script="$script$line
"; done
eval "$script"`;

/**
 * Directories the main shell made start out dated 1970: creating or removing anything in a directory sets its
 * mtime to now, so one still dated before {@link PRISTINE_BEFORE} has never had an entry — it can be known empty
 * from a stat (~2 ms) without reading it as an archive (~50 ms of the daemon's time).
 */
export const PRISTINE_BEFORE = Date.parse("1971-01-01T00:00:00Z");

/** The argv[0] the main shell reports itself as (`ps` inside the sandbox shows it). */
const MAIN_SHELL_NAME = "oz-sandbox";

/** The container settings the main shell needs: `sh -c` with the directories as arguments, and an attachable stdin. */
export function mainShellContainerOptions(directories: readonly string[]): Partial<Docker.ContainerCreateOptions> {
  return {
    Entrypoint: ["sh", "-c", MAIN_SHELL_SCRIPT, MAIN_SHELL_NAME, ...directories],
    // With an Entrypoint given, Docker ignores the image's CMD; an empty Cmd keeps it that way explicitly.
    Cmd: [],
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  };
}

/**
 * The worker's end of a sandbox's main shell: readiness, and running the sandbox's last command as the
 * container's own process. A command run this way starts without `docker exec` (a second runtime start, ~50 ms
 * and a good share of the daemon's CPU per run), and when it exits the container has stopped by itself.
 */
export class MainShell {
  private state: "waiting" | "running" | "ended" = "waiting";
  private readyLine: string | null = "";
  private stderrBeforeReady = "";
  private onOutput: ExecOptions["onOutput"];
  private readonly ready: Promise<void>;
  private readonly ended: Promise<void>;

  private constructor(
    private readonly container: Docker.Container,
    private readonly stream: Duplex,
  ) {
    let markReady!: () => void;
    let failReady!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {}); // awaited by whenReady; an unobserved failure is not an error of its own
    const demuxer = createOutputDemuxer((source, text) => {
      if (this.readyLine !== null) {
        if (source === "stderr") {
          this.stderrBeforeReady += text;
          return;
        }
        this.readyLine += text;
        const newline = this.readyLine.indexOf("\n");
        if (newline < 0) return;
        text = this.readyLine.slice(newline + 1);
        this.readyLine = null;
        markReady();
        if (text.length === 0) return;
      }
      this.onOutput?.({ stream: source, text });
    });
    this.ended = new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        demuxer.end();
        failReady(new Error(this.stderrBeforeReady.trim() || "the sandbox's shell exited before it was ready"));
        resolve();
      };
      stream.on("data", (chunk: Buffer) => demuxer.push(chunk));
      stream.once("end", finish);
      stream.once("close", finish);
      stream.once("error", finish);
    });
  }

  /** Attaches to a created (not yet started) container, so not a byte of the main shell's output is missed. */
  static async attach(container: Docker.Container): Promise<MainShell> {
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as Duplex;
    return new MainShell(container, stream);
  }

  /** Resolves once the started container's shell has made its directories and waits for work. */
  async whenReady(): Promise<void> {
    try {
      await this.ready;
    } catch (err) {
      throw new SandboxError("create_failed", `the sandbox's shell did not start: ${(err as Error).message}`);
    }
  }

  /** `waiting` for a final command, `running` it (exec still works), or `ended` (the container has stopped). */
  get status(): "waiting" | "running" | "ended" {
    return this.state;
  }

  /**
   * Runs `command` as the main shell's script, like `sh -c` in `cwd` with `env` added, and resolves with its exit
   * code when the container has stopped. A timeout or an abort kills the whole container.
   */
  async run(command: string, options: Omit<ExecOptions, "stdin"> = {}): Promise<ExecOutcome> {
    if (this.state !== "waiting") throw new SandboxError("exec_failed", "the sandbox's final command already ran");
    this.state = "running";
    const { signal, timeoutMs } = options;
    if (signal?.aborted) {
      this.state = "waiting"; // nothing ran: the sandbox still takes commands
      return { exitCode: KILLED_EXIT_CODE, killedBy: "abort" };
    }
    this.onOutput = options.onOutput;

    // Asked before the script goes, so the exit is seen however quickly the command ends.
    const exited = this.container.wait() as Promise<{ StatusCode: number }>;
    exited.catch(() => {});
    let killedBy: ExecOutcome["killedBy"] = null;
    const kill = (reason: "timeout" | "abort") => {
      if (killedBy !== null) return;
      killedBy = reason;
      // SIGKILL to the init process ends every process of the sandbox at once.
      void this.container.kill({ signal: "SIGKILL" }).catch(() => {});
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => kill("timeout"), timeoutMs);
    const onAbort = () => kill("abort");
    signal?.addEventListener("abort", onAbort, { once: true });

    this.stream.end(mainScript(command, options));
    try {
      await this.ended;
      return { exitCode: await exitCodeOf(exited, killedBy !== null), killedBy };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.onOutput = undefined;
      this.state = "ended";
    }
  }

  /** Lets go of the attachment (the sandbox is being removed). */
  close(): void {
    this.state = "ended";
    this.stream.destroy();
  }
}

/**
 * Files this small travel inside the script (written by the shell's `printf` builtin, readable only by the sandbox
 * user) rather than as an archive, saving a round trip to the daemon; the shell reads its script a byte at a time,
 * so larger ones go as an archive (docker-sandbox.ts).
 */
export const MAX_SCRIPT_FILES_BYTES = 16 * 1024;

/** `cd` and `export` first, then the command in a fresh `sh -c`, exactly as an exec would run it. */
function mainScript(command: string, options: Pick<ExecOptions, "cwd" | "env" | "files">): string {
  const lines: string[] = [];
  for (const [path, content] of Object.entries(options.files ?? {})) {
    lines.push(`(umask 077 && printf '%s' ${shellQuote(String(content))} > ${shellQuote(path)}) || exit 126`);
  }
  if (options.cwd !== undefined) lines.push(`cd -- ${shellQuote(options.cwd)} || exit 126`);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SandboxError("exec_failed", `invalid variable name: ${name}`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  lines.push(`exec sh -c ${shellQuote(command)}`);
  return `${lines.join("\n")}\n`;
}

async function exitCodeOf(exited: Promise<{ StatusCode: number }>, killed: boolean): Promise<number> {
  try {
    return (await exited).StatusCode;
  } catch (err) {
    // The sandbox was removed under the command (a cancel does that), which killed it.
    if (killed || dockerStatusOf(err) === 404) return KILLED_EXIT_CODE;
    throw toSandboxError(err, "exec_failed", "the command's outcome is unknown");
  }
}
