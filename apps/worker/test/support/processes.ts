import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@oz/testing";

export { startTcpProxy } from "@oz/testing";

const MAINS = {
  api: fileURLToPath(new URL("../../../api/src/main.ts", import.meta.url)),
  worker: fileURLToPath(new URL("../../src/main.ts", import.meta.url)),
};
const START_PROGRAM = fileURLToPath(new URL("../../../../scripts/start-program.sh", import.meta.url));

function programEnv(env: Record<string, string>): Record<string, string | undefined> {
  return {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    OZ_LOG_LEVEL: "warn",
    OZ_MIGRATE_ON_START: "false",
    // The worker installs its sandbox firewall: on the tests' own network, with the tests' allow-list
    // (@oz/sandbox/testing), never changing what the production default network allows on this machine.
    OZ_SANDBOX_NETWORK: "oz-sbx-test",
    OZ_SANDBOX_ALLOWED_CIDRS: "172.17.0.1/32",
    ...env,
  };
}

/**
 * The real worker program (`apps/worker/src/main.ts`) as a child process, configured by environment, started
 * as `pnpm start:worker` starts it. The child's pid is the worker's (the start script execs it).
 */
export function spawnWorkerProcess(env: Record<string, string>): ChildProcess {
  return spawn("sh", [START_PROGRAM, MAINS.worker], { env: programEnv(env), stdio: ["ignore", "inherit", "inherit"] });
}

export interface ProgramProcess {
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves once its output matches; rejects if it exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** The API or the worker as `pnpm start:api` / `pnpm start:worker` start it, its output captured. */
export function spawnProgram(program: keyof typeof MAINS, env: Record<string, string>): ProgramProcess {
  const child = spawn("sh", [START_PROGRAM, MAINS[program]], {
    env: programEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    async waitForOutput(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`${program} exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${output}`);
        if (Date.now() > deadline)
          throw new Error(`${program} did not print ${pattern} in ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** A redis-server of the test's own on a free port, so restarting it disturbs nobody else. */
export async function startRedisServer(port?: number): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    "redis-server",
    ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const url = `redis://127.0.0.1:${chosen}`;
  await waitForPort(chosen);
  return {
    url,
    port: chosen,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

async function waitForPort(port: number) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}
