import { posix } from "node:path";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { listArchiveFiles, readFirstEntry, statPath } from "./docker-archive.ts";
import { dockerStatusOf, toSandboxError } from "./docker-errors.ts";
import { execInContainer, KILLED_EXIT_CODE, type ExecOutcome } from "./docker-exec.ts";
import { MAX_SCRIPT_FILES_BYTES, PRISTINE_BEFORE, type MainShell } from "./docker-main-shell.ts";
import { SANDBOX_GID, SANDBOX_UID } from "./workdir.ts";
import { SandboxError, type ExecOptions, type ExecResult, type Sandbox } from "./port.ts";

/** Paths reach the shell as environment variables, never spliced into the command. */
const WRITE_FILE = 'mkdir -p "$OZ_DIR" && cat > "$OZ_FILE"';

/** The memory cgroup's OOM-kill counter: cgroup v2 first, then v1 (both visible inside the container). */
const READ_OOM_KILLS = "cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null";

/** Small text files go inside the main shell's script (no extra round trip); anything else as an archive. */
function fitInScript(files: Record<string, string | Buffer>): boolean {
  let bytes = 0;
  for (const content of Object.values(files)) {
    if (typeof content !== "string") return false;
    bytes += Buffer.byteLength(content);
  }
  return bytes <= MAX_SCRIPT_FILES_BYTES;
}

/** A running Docker container serving as one run's sandbox; every process in it runs as the sandbox user. */
export class DockerSandbox implements Sandbox {
  /** OOM kills counted in the container's cgroup so far, to tell which exec met the OOM killer. */
  private oomKillsSeen = 0;

  constructor(
    private readonly container: Docker.Container,
    readonly runId: string,
    /** The container's working directory, which relative paths are relative to. */
    private readonly workdir: string,
    private readonly removeContainer: (id: string) => Promise<void>,
    /** The container's main shell, waiting for a final command (null for a sandbox reattached by id). */
    private readonly main: MainShell | null = null,
  ) {}

  get id(): string {
    return this.container.id;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.main?.status === "ended") {
      throw new SandboxError("exec_failed", "the sandbox has stopped: its final command already ran");
    }
    const asMainProcess = options.final === true && options.stdin === undefined && this.main?.status === "waiting";
    const { files, ...rest } = options;
    const filesInScript = asMainProcess && files !== undefined && fitInScript(files);
    if (files && !filesInScript) await this.putFiles(files);
    const { exitCode, killedBy }: ExecOutcome = asMainProcess
      ? await this.main!.run(command, filesInScript ? options : rest)
      : await execInContainer(this.container, command, rest);
    const killedUnasked = exitCode === KILLED_EXIT_CODE && killedBy === null;
    const oomKilled = killedUnasked && (asMainProcess ? await this.stoppedByOom() : await this.sawNewOomKill());
    return { exitCode, timedOut: killedBy === "timeout", oomKilled };
  }

  /** A stopped sandbox cannot be asked for its cgroup's counter; Docker recorded whether the OOM killer ended it. */
  private async stoppedByOom(): Promise<boolean> {
    const info = await this.container.inspect().catch(() => null);
    return info?.State.OOMKilled === true;
  }

  /**
   * Whether the OOM killer struck since the last look. A SIGKILL nobody here sent is the OOM killer's when the
   * cgroup's counter went up meanwhile (it counts kills anywhere in the sandbox, a background process's too);
   * where the counter cannot be read, Docker's OOMKilled flag (only set for the container's main process) is used.
   */
  private async sawNewOomKill(): Promise<boolean> {
    let report = "";
    await execInContainer(this.container, READ_OOM_KILLS, {
      onOutput: ({ stream, text }) => (report += stream === "stdout" ? text : ""),
      timeoutMs: 5_000,
    }).catch(() => undefined);
    const count = /^oom_kill (\d+)$/m.exec(report)?.[1];
    if (count === undefined) {
      const info = await this.container.inspect().catch(() => null);
      return info?.State.OOMKilled === true;
    }
    const kills = Number(count);
    const sawNew = kills > this.oomKillsSeen;
    this.oomKillsSeen = kills;
    return sawNew;
  }

  /** Reads through the Engine API (no process in the sandbox), so it works whatever the sandbox is doing. */
  async readFile(path: string): Promise<Buffer> {
    let entry;
    try {
      entry = await readFirstEntry(await this.container.getArchive({ path: this.absolute(path) }));
    } catch (err) {
      if (dockerStatusOf(err) === 404) throw new SandboxError("file_not_found", `no such file in the sandbox: ${path}`);
      throw toSandboxError(err, "exec_failed", `could not read ${path} from the sandbox`);
    }
    if (entry?.header.type !== "file") {
      throw new SandboxError("file_not_found", `not a regular file in the sandbox: ${path}`);
    }
    return entry.content;
  }

  /** Writes as the sandbox user (so the file is theirs to change), creating missing parent directories. */
  async writeFile(path: string, content: string | Buffer): Promise<void> {
    if (this.main?.status === "ended") {
      throw new SandboxError("exec_failed", `could not write ${path}: the sandbox has stopped`);
    }
    const file = this.absolute(path);
    let errors = "";
    const { exitCode } = await execInContainer(this.container, WRITE_FILE, {
      env: { OZ_DIR: posix.dirname(file), OZ_FILE: file },
      stdin: content,
      onOutput: ({ stream, text }) => (errors += stream === "stderr" ? text : ""),
    });
    if (exitCode !== 0) {
      throw new SandboxError("exec_failed", `could not write ${path} in the sandbox: ${errors.trim()}`);
    }
  }

  /** One archive through the Engine API: no process in the sandbox, and no size limit on the content. */
  private async putFiles(files: Record<string, string | Buffer>): Promise<void> {
    const archive = pack();
    for (const [path, content] of Object.entries(files)) {
      const name = this.absolute(path).slice(1);
      archive.entry({ name, mode: 0o600, uid: SANDBOX_UID, gid: SANDBOX_GID }, content);
    }
    archive.finalize();
    try {
      await this.container.putArchive(archive as unknown as NodeJS.ReadableStream, { path: "/" });
    } catch (err) {
      throw toSandboxError(err, "exec_failed", "could not put the command's files into the sandbox");
    }
  }

  /**
   * Through the Engine API like readFile, so it works on a stopped sandbox and starts no process. Symbolic links
   * are not followed, so a link to a file elsewhere in the sandbox is not listed.
   */
  async listFiles(dir: string, limit = 1_000): Promise<{ path: string; size: number }[]> {
    const path = this.absolute(dir);
    try {
      const stat = await statPath(this.container, path);
      if (!stat || Date.parse(stat.mtime) < PRISTINE_BEFORE) return [];
      return await listArchiveFiles(await this.container.getArchive({ path }), limit);
    } catch (err) {
      if (dockerStatusOf(err) === 404) return [];
      throw toSandboxError(err, "exec_failed", `could not list ${dir} in the sandbox`);
    }
  }

  destroy(): Promise<void> {
    this.main?.close();
    return this.removeContainer(this.id);
  }

  /** Relative paths are relative to the sandbox's working directory, like a command's. */
  private absolute(path: string): string {
    return posix.resolve(this.workdir, path);
  }
}
