import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTeam } from "../../../apps/api/test/support/internals.ts";
import { createTestDatabase, freePort } from "@oz/testing";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import { deleteQueueKeys, REDIS_URL, uniqueName } from "../support/platform.ts";
import { median } from "../support/stats.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const PRISMA_FLOOR = fileURLToPath(new URL("../support/idle-prisma.ts", import.meta.url));
const IDLE_SECONDS = 5;
const TARGET_MB = 150;

/**
 * the API process's resident memory when idle. The root package.json's `start:api` script (what
 * `pnpm start:api` runs) is started as a child against a fresh database, the way pnpm runs it (without pnpm's
 * own process); VmRSS of the processes it leaves running is read from /proc once it answers and has been idle
 * a few seconds, and again after it has served some traffic and gone idle again.
 * For scale, a bare `node` and a program that only makes the Prisma client and runs one query (started the
 * same way) are measured alongside.
 */
export const idleRssBench: Benchmark = {
  name: "idle-rss",
  area: "api",
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
    const { scripts } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as PackageJson;
    const startScript = scripts["start:api"];
    log(`pnpm start:api runs: ${startScript}`);
    const api = track(
      spawnScript(startScript, {
        DATABASE_URL: database.url,
        REDIS_URL,
        PORT: String(port),
        HOST: "127.0.0.1",
        OZ_LOG_LEVEL: "warn",
        OZ_QUEUE_PREFIX: queuePrefix,
        OZ_MASTER_KEY: randomBytes(32).toString("base64"),
        OZ_BLOB_DIR: blobDir,
      }),
    );
    const origin = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${origin}/readyz`, 30_000);
    const fresh = await idleRss(api.pid!);
    log(`API idle after start: ${describe(fresh)}`);

    const headers = { authorization: `Bearer ${team.apiKey}`, "content-type": "application/json" };
    for (let i = 0; i < 200; i++) {
      const body = JSON.stringify({ prompt: `task ${i}` });
      await fetch(`${origin}/api/v1/agent/runs`, { method: "POST", headers, body }).then((r) => r.text());
      await fetch(`${origin}/api/v1/agent/runs?limit=20`, { headers }).then((r) => r.text());
    }
    const warm = await idleRss(api.pid!);
    log(`API idle after 400 requests: ${describe(warm)}`);

    const bareNode = track(spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }));
    // The data-access floor: the Prisma 7 client after one query (its query compiler is wasm), started as the API is.
    const prismaOnly = track(
      spawnScript(`sh scripts/start-program.sh ${PRISMA_FLOOR}`, {
        DATABASE_URL: database.url,
      }),
    );
    const [nodeMb, prismaMb] = [await idleRss(bareNode.pid!), await idleRss(prismaOnly.pid!)];

    const worst = Math.max(fresh.total, warm.total);
    return {
      target: `idle RSS < ${TARGET_MB} MB`,
      measured: `${worst.toFixed(1)} MB`,
      pass: worst < TARGET_MB,
      details: [
        `API idle RSS: ${describe(fresh)} after start, ${describe(warm)} after 200 creates + 200 lists`,
        `for scale: bare node ${nodeMb.total.toFixed(1)} MB, the Prisma client after one query ${prismaMb.total.toFixed(1)} MB`,
      ],
    };
  },
};

interface PackageJson {
  scripts: { "start:api": string };
}

/** Runs a root package.json script the way pnpm does (`sh -c` in the root, the workspace's binaries on PATH). */
function spawnScript(script: string, env: Record<string, string>): ChildProcess {
  const bins = [join(REPO, "node_modules/.bin"), dirname(process.execPath)];
  return spawn("sh", ["-c", `exec ${script}`], {
    cwd: REPO,
    env: { ...process.env, PATH: [...bins, process.env.PATH].join(":"), ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

interface Rss {
  /** VmRSS of the process and its descendants, MB. */
  total: number;
  /** The part that is mapped files (mostly the node binary's own pages, which processes share), MB. */
  files: number;
  processes: number;
}

function describe(rss: Rss): string {
  const of = `${rss.files.toFixed(1)} MB of it mapped files`;
  return `${rss.total.toFixed(1)} MB (${of}${rss.processes > 1 ? `, ${rss.processes} processes` : ""})`;
}

/** Median RSS of a process tree from a few readings, once it has been left alone for a while. */
async function idleRss(pid: number): Promise<Rss> {
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const readings: Rss[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(treeRss(pid));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const total = median(readings.map((r) => r.total));
  return readings.find((r) => r.total === total) ?? readings[0]!;
}

/** VmRSS summed over a process and all its descendants (a start script may leave a launcher running). */
function treeRss(pid: number): Rss {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) pids.push(...childrenOf(pids[i]!));
  let total = 0;
  let files = 0;
  for (const p of pids) {
    const status = readFileSync(`/proc/${p}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    total += kb("VmRSS") / 1024;
    files += kb("RssFile") / 1024;
  }
  return { total, files, processes: pids.length };
}

function childrenOf(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  );
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
