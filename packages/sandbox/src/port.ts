/**
 * The sandbox port: everything the worker and the harnesses need from an isolated container.
 * One Docker implementation today (docker-provider.ts); a Kubernetes one would implement the same port.
 */

/** Labels every sandbox carries, so orphans can be found and reaped by run, worker or team. */
export const SANDBOX_LABELS = {
  runId: "oz.run_id",
  workerId: "oz.worker_id",
  teamId: "oz.team_id",
  /** A warm-pool sandbox: the environment it was prepared for (its run label is empty; see `assignToRun`). */
  pool: "oz.pool",
} as const;

export interface SandboxResources {
  /** CPUs (fractions allowed). */
  cpus: number;
  memoryMb: number;
  pidsLimit: number;
}

export interface SandboxSpec {
  /** The run it serves; empty for a warm-pool sandbox, which learns its run when one takes it (`assignToRun`). */
  runId: string;
  /** Prepared in advance for this environment's warm pool (labelled so): holds no secrets until a run takes it. */
  pool?: string;
  teamId: string;
  workerId: string;
  image: string;
  /** Environment variables of every process in the sandbox (secrets included: never log this). */
  env: Record<string, string>;
  /** `none` cuts the sandbox off the network entirely. */
  network: "bridge" | "none";
  resources: SandboxResources;
  /** Directory repos are cloned into and commands run in by default. */
  workdir: string;
  /** Directories (inside `workdir`, or elsewhere the sandbox user may write) that exist when `create` returns. */
  directories?: string[];
}

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the process (and report `timedOut`) after this long. */
  timeoutMs?: number;
  /** Called with output as it arrives, in order, split by stream. */
  onOutput?: (chunk: { stream: "stdout" | "stderr"; text: string }) => void;
  /** Aborting kills the process; the call still resolves, with the killed process's exit code. */
  signal?: AbortSignal;
  /**
   * Files (absolute path → content) put into the sandbox before the command starts, owned by the sandbox user and
   * readable only by it; missing parent directories are created. This is how large inputs (a prompt) reach a
   * process: an environment variable or argument over 128 KiB makes exec fail ("argument list too long").
   */
  files?: Record<string, string | Buffer>;
  /** Data written to the process's stdin, then closed. */
  stdin?: string | Buffer;
  /**
   * Nothing runs in the sandbox after this command (its files can still be read): the sandbox may run it as its
   * own main process, which starts faster, and stops once it exits. Later `exec` and `writeFile` calls fail.
   */
  final?: boolean;
}

export interface ExecResult {
  exitCode: number;
  timedOut: boolean;
  /** The sandbox ran out of memory while the process ran. */
  oomKilled: boolean;
}

export interface Sandbox {
  /** Provider-specific id (the container id for Docker). */
  readonly id: string;
  readonly runId: string;
  /** Runs `command` through `sh -c` inside the sandbox. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, content: string | Buffer): Promise<void>;
  /** Regular files under `dir` (recursively), with paths relative to it; at most `limit` entries. Works after a final command too. */
  listFiles(dir: string, limit?: number): Promise<{ path: string; size: number }[]>;
  /** Kills every process and removes the sandbox. Idempotent. */
  destroy(): Promise<void>;
}

export interface SandboxSummary {
  id: string;
  runId: string;
  workerId: string;
  teamId: string;
  running: boolean;
  /** Created but never started (being set up, or its creator died before starting it). */
  starting: boolean;
  createdAt: Date;
  /** The environment of a warm-pool sandbox (null otherwise); `runId` is empty until a run took it. */
  pool: string | null;
}

export interface SandboxProvider {
  /** Creates and starts a sandbox, ready for work. Throws SandboxError("image_missing") if the image cannot be had. */
  create(spec: SandboxSpec): Promise<Sandbox>;
  /** Reattaches to an existing sandbox by id (e.g. to kill it on cancel). */
  get(id: string): Promise<Sandbox | null>;
  list(filter?: { runId?: string; workerId?: string }): Promise<SandboxSummary[]>;
  /**
   * Records that a warm-pool sandbox now serves `runId`, so finding sandboxes by run (`list({ runId })`, the
   * sweeper) finds it. A leftover sandbox of the same run is removed.
   */
  assignToRun(id: string, runId: string): Promise<void>;
  /** The local image's id (its content digest), or null when the image is not here. */
  imageId(image: string): Promise<string | null>;
  /** Kills and removes a sandbox by id. Idempotent: a missing sandbox is not an error. */
  remove(id: string): Promise<void>;
  /** Removes every sandbox of `workerId` whose run is not in `liveRunIds`; returns the removed ids. */
  reapOrphans(workerId: string, liveRunIds: ReadonlySet<string>): Promise<string[]>;
  /** Releases what the provider keeps ready for sandboxes to come (not the sandboxes themselves). */
  close(): Promise<void>;
  /**
   * Does the engine behind the sandboxes answer? Null when it does, else why not: a run whose sandbox failed is
   * told apart from one whose engine (a Docker host) went away.
   */
  engineProblem(): Promise<string | null>;
}

export type SandboxErrorCode =
  | "image_missing"
  | "create_failed"
  | "daemon_unavailable"
  | "exec_failed"
  /** readFile of a path that is missing or not a regular file. */
  | "file_not_found";

/** Infrastructure failures, so the worker can tell "retry this run" from "the run's setup is wrong". */
export class SandboxError extends Error {
  override name = "SandboxError";
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
