import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The host as Docker sandboxes on the default bridge reach it (and the host reaches itself there too). */
export const DOCKER_HOST_ADDRESS = "172.17.0.1";

export interface GitDaemon {
  /** `git://<host>:<port>/<name>`: what an environment's repo `url` is set to. */
  url(name: string): string;
  /** Where the repository lives on this machine. */
  dir(name: string): string;
  /**
   * Creates the repository, or adds a commit to it, with these files (path → content), on `branch` (default
   * `main`; a new branch starts from the current one, and the repository's HEAD stays on it).
   */
  commit(name: string, files: Record<string, string>, options?: { branch?: string; message?: string }): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real `git daemon` serving repositories from a temporary directory over git://, so that skill discovery and
 * the worker's clones are tested against a git server without leaving the machine.
 */
export async function startGitDaemon(host = DOCKER_HOST_ADDRESS): Promise<GitDaemon> {
  const base = await mkdtemp(join(tmpdir(), "oz-git-"));
  const port = await freePort(host);
  const daemon: ChildProcess = spawn(
    "git",
    [
      "daemon",
      "--export-all",
      "--reuseaddr",
      "--informative-errors",
      `--base-path=${base}`,
      `--listen=${host}`,
      `--port=${port}`,
      base,
    ],
    { stdio: "ignore" },
  );
  const git = (cwd: string, ...args: string[]) =>
    run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd });
  const url = (name: string) => `git://${host}:${port}/${name}`;

  const daemonUp = async () => {
    await git(base, "init", "--quiet", "--bare", "probe.git");
    for (let attempt = 0; ; attempt++) {
      try {
        await run("git", ["ls-remote", url("probe.git")]);
        return;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  await daemonUp();

  return {
    url,
    dir: (name) => join(base, name),
    async commit(name, files, { branch = "main", message = "update" } = {}) {
      const dir = join(base, name);
      await mkdir(dir, { recursive: true });
      await git(dir, "init", "--quiet", "--initial-branch=main");
      const current = (await git(dir, "symbolic-ref", "--short", "HEAD")).stdout.trim();
      if (branch !== current) {
        const exists = await git(dir, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`).then(
          () => true,
          () => false,
        );
        await git(dir, "switch", "--quiet", ...(exists ? [branch] : ["--create", branch]));
      }
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      await git(dir, "add", "--all");
      await git(dir, "commit", "--quiet", "--allow-empty", "-m", message);
    },
    async close() {
      daemon.kill();
      await rm(base, { recursive: true, force: true });
    },
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
