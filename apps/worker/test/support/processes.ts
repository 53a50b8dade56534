import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@oz/testing";

const WORKER_MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const START_PROGRAM = fileURLToPath(new URL("../../../../scripts/start-program.sh", import.meta.url));

/**
 * The real worker program (`apps/worker/src/main.ts`) as a child process, configured by environment, started
 * as `pnpm start:worker` starts it. The child's pid is the worker's (the start script execs it).
 */
export function spawnWorkerProcess(env: Record<string, string>): ChildProcess {
  const child = spawn("sh", [START_PROGRAM, WORKER_MAIN], {
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      OZ_LOG_LEVEL: "warn",
      OZ_MIGRATE_ON_START: "false",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  return child;
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

/** A TCP proxy to Postgres that a test can cut and restore, to make the database "briefly unavailable". */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const port = await freePort();
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
      });
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await open();
  return {
    port,
    /** Refuse new connections and break the open ones. */
    async cut() {
      // close() only calls back once every connection has ended, so break them first.
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
    restore: open,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    },
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
