import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTeam } from "../../../apps/api/src/teams/create-team.ts";
import { createTestDatabase } from "@oz/testing";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import { deleteQueueKeys, REDIS_URL, uniqueName } from "../support/platform.ts";
import { median } from "../support/stats.ts";

const API_MAIN = fileURLToPath(new URL("../../../apps/api/src/main.ts", import.meta.url));
const IDLE_SECONDS = 5;
const TARGET_MB = 150;

/**
 * Issue 2: the API process's resident memory when idle. The real program (`apps/api/src/main.ts`, run by tsx
 * as `pnpm start:api` does) is started as a child against a fresh database; VmRSS is read from /proc once it
 * answers and has been idle a few seconds, and again after it has served some traffic and gone idle again.
 * For scale, a bare `node` and a bare `node --import tsx` idling the same way are measured alongside.
 */
export const idleRssBench: Benchmark = {
  name: "idle-rss",
  issue: 2,
  budgetMs: 120_000,
  async run(log) {
    const database = await createTestDatabase();
    onCleanup(() => database.drop());
    const team = await createTeam(database.db, { teamName: "rss", admin: { email: "rss@example.com" } });
    const blobDir = await mkdtemp(join(tmpdir(), "oz-bench-blobs-"));
    onCleanup(() => rm(blobDir, { recursive: true, force: true }));

    const queuePrefix = uniqueName("rss");
    onCleanup(() => deleteQueueKeys(queuePrefix));
    const port = await freePort();
    const api = track(
      spawn(process.execPath, ["--import", "tsx", API_MAIN], {
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          REDIS_URL,
          PORT: String(port),
          HOST: "127.0.0.1",
          OZ_LOG_LEVEL: "warn",
          OZ_MIGRATE_ON_START: "false",
          OZ_QUEUE_PREFIX: queuePrefix,
          OZ_MASTER_KEY: randomBytes(32).toString("base64"),
          OZ_BLOB_DIR: blobDir,
        },
        stdio: ["ignore", "inherit", "inherit"],
      }),
    );
    const origin = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${origin}/readyz`, 30_000);
    const fresh = await idleRss(api.pid!);
    log(`API idle after start: ${fresh.toFixed(1)} MB`);

    const headers = { authorization: `Bearer ${team.apiKey}`, "content-type": "application/json" };
    for (let i = 0; i < 200; i++) {
      const body = JSON.stringify({ prompt: `task ${i}` });
      await fetch(`${origin}/api/v1/agent/runs`, { method: "POST", headers, body }).then((r) => r.text());
      await fetch(`${origin}/api/v1/agent/runs?limit=20`, { headers }).then((r) => r.text());
    }
    const warm = await idleRss(api.pid!);
    log(`API idle after 400 requests: ${warm.toFixed(1)} MB`);

    const bareNode = track(spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }));
    const bareTsx = track(
      spawn(process.execPath, ["--import", "tsx", "-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }),
    );
    // The data-access floor: node + tsx + the Prisma 7 client after one query (its query compiler is wasm).
    const prismaOnly = track(
      spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "--input-type=module",
          "-e",
          `import { createDb } from "@oz/db"; const db = createDb({ connectionString: ${JSON.stringify(database.url)} }); await db.$queryRaw\`SELECT 1\`; setInterval(() => {}, 1000);`,
        ],
        { stdio: ["ignore", "ignore", "inherit"] },
      ),
    );
    const [nodeMb, tsxMb, prismaMb] = [
      await idleRss(bareNode.pid!),
      await idleRss(bareTsx.pid!),
      await idleRss(prismaOnly.pid!),
    ];

    const worst = Math.max(fresh, warm);
    return {
      target: `idle RSS < ${TARGET_MB} MB`,
      measured: `${worst.toFixed(1)} MB`,
      pass: worst < TARGET_MB,
      details: [
        `API idle RSS: ${fresh.toFixed(1)} MB after start, ${warm.toFixed(1)} MB after 200 creates + 200 lists`,
        `for scale: bare node ${nodeMb.toFixed(1)} MB, bare node --import tsx ${tsxMb.toFixed(1)} MB, ` +
          `node --import tsx + Prisma client after one query ${prismaMb.toFixed(1)} MB`,
      ],
    };
  },
};

/** Median VmRSS (MB) of a few readings once the process has been left alone for a while. */
async function idleRss(pid: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    readings.push(Number(kb) / 1024);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return median(readings);
}

function track(child: ChildProcess): ChildProcess {
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
      }),
  );
  return child;
}

async function waitUntilReady(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the API did not become ready at ${url}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
