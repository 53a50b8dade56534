import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built CLI (test/support/build-cli.ts builds it before the tests). */
export const OZ_BUNDLE = fileURLToPath(new URL("../../dist/oz.mjs", import.meta.url));

export interface OzResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document. */
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** stdout parsed as one JSON document per line. */
  lines<T = any>(): T[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface OzOptions {
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is then closed (absent: stdin is closed at once). */
  input?: string;
  cwd?: string;
  /** The command to run instead of `node dist/oz.mjs` (the installed package's `oz`). */
  command?: string[];
  /** Called once the process has started, e.g. to act on the run it is waiting for. */
  onStdout?: (chunk: string) => void;
}

/**
 * Runs `oz` as a user would: a child process with its own environment (a throw-away config directory unless
 * the test gives one; no colour), standard input from `input`, and its exit code, stdout and stderr.
 */
export class OzCli {
  constructor(readonly env: Record<string, string>) {}

  /** An `oz` for this server and key, with a config directory of its own. */
  static async create(baseUrl: string, apiKey: string | undefined) {
    const configHome = await mkdtemp(join(tmpdir(), "oz-cli-config-"));
    return new OzCli({
      OZ_API_BASE_URL: baseUrl,
      ...(apiKey && { WARP_API_KEY: apiKey }),
      XDG_CONFIG_HOME: configHome,
    });
  }

  get configHome() {
    return this.env.XDG_CONFIG_HOME!;
  }

  run(args: string[], options: OzOptions = {}): Promise<OzResult> {
    const [command, ...prefix] = options.command ?? [process.execPath, OZ_BUNDLE];
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: this.configHome, NO_COLOR: "1" };
    for (const [key, value] of Object.entries({ ...this.env, ...options.env })) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const child = spawn(command!, [...prefix, ...args], { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdin.end(options.input);
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({
          code: code ?? -1,
          stdout,
          stderr,
          json: () => JSON.parse(stdout),
          lines: () =>
            stdout
              .split("\n")
              .filter((l) => l.trim())
              .map((l) => JSON.parse(l)),
        }),
      );
    });
  }

  async cleanup() {
    await rm(this.configHome, { recursive: true, force: true });
  }
}
