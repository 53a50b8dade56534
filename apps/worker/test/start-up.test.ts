import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { dropDatabases, freePort, postgresServerUrl, startTcpProxy, testDatabaseUrl, type TcpProxy } from "@oz/testing";
import { spawnProgram, type ProgramProcess } from "./support/processes.ts";

/**
 * The API and the worker as `pnpm start` runs them (both migrate at start) on a database that does not exist
 * yet, and on PostgreSQL / Redis that are not there yet.
 */
const MASTER_KEY = randomBytes(32).toString("hex");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const databases: string[] = [];
const running: ProgramProcess[] = [];
const proxies: TcpProxy[] = [];
const scratch = mkdtempSync(join(tmpdir(), "oz-start-up-"));
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const run = promisify(execFile);

/** The shell block under the README's "A first run" heading, as a newcomer copies it. */
function readmeFirstRun(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const block = /^## A first run\n[\s\S]*?^```sh\n([\s\S]*?)^```/m.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no sh block under '## A first run'");
  return block;
}

async function freshDatabaseUrl(through?: TcpProxy): Promise<string> {
  const name = `oz_test_start_${randomBytes(5).toString("hex")}`;
  databases.push(name);
  return testDatabaseUrl(name, through?.port);
}

function start(program: "api" | "worker", env: Record<string, string>): ProgramProcess {
  const process = spawnProgram(program, {
    OZ_LOG_LEVEL: "info",
    OZ_MIGRATE_ON_START: "true",
    OZ_MASTER_KEY: MASTER_KEY,
    REDIS_URL,
    // Not the repository's .data/setup-token: these APIs start with no user and print a setup link.
    OZ_SETUP_TOKEN_FILE: join(scratch, `${randomBytes(4).toString("hex")}-setup-token`),
    ...env,
  });
  running.push(process);
  return process;
}

async function answersReady(port: number, timeoutMs: number, api: ProgramProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (api.child.exitCode !== null) throw new Error(`the API exited (${api.child.exitCode}):\n${api.output()}`);
    if (Date.now() > deadline) throw new Error(`the API was not ready in ${timeoutMs} ms:\n${api.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  for (const proxy of proxies.splice(0)) await proxy.close();
});

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await dropDatabases(databases);
});

describe("start-up", () => {
  it("API and worker started together on a database that does not exist both come up, ten times out of ten", async () => {
    for (let round = 0; round < 10; round++) {
      const databaseUrl = await freshDatabaseUrl();
      const port = await freePort();
      const env = { DATABASE_URL: databaseUrl, OZ_QUEUE_PREFIX: `oz-start-${round}-${randomBytes(3).toString("hex")}` };
      // Either may go first; the one that finds the other migrating waits for it.
      const startApi = () => start("api", { ...env, PORT: String(port), HOST: "127.0.0.1" });
      const startWorker = () => start("worker", { ...env, OZ_WORKER_ID: `start-up-${round}` });
      let api: ProgramProcess, worker: ProgramProcess;
      if (round % 2 === 0) [api, worker] = [startApi(), startWorker()];
      else [worker, api] = [startWorker(), startApi()];
      await Promise.all([answersReady(port, 45_000, api), worker.waitForOutput(/"msg":"worker started"/, 45_000)]);
      const both = api.output() + worker.output();
      expect(both).not.toMatch(/Another migration is already running/);
      expect(both).toMatch(/1732280000000_initial/); // somebody migrated
      await Promise.all(running.splice(0).map((p) => p.stop()));
    }
  }, 120_000);

  it("the README's first run succeeds on a fresh install: no database, no bootstrap variables, no registry", async () => {
    // What scripts/run.sh does before starting: the default sandbox image, pulled or built offline.
    const { OZ_DEFAULT_IMAGE: _chosen, ...withoutChoice } = process.env;
    const image = (await run("bash", [join(REPO, "scripts/ensure-default-image.sh")], { env: withoutChoice })).stdout;
    const port = await freePort();
    const tokenFile = join(scratch, `first-run-${randomBytes(4).toString("hex")}`);
    const env = {
      DATABASE_URL: await freshDatabaseUrl(),
      OZ_QUEUE_PREFIX: `oz-first-run-${randomBytes(3).toString("hex")}`,
      OZ_DEFAULT_IMAGE: image.trim(),
      OZ_SETUP_TOKEN_FILE: tokenFile,
      OZ_PUBLIC_URL: `http://localhost:${port}`,
    };
    const api = start("api", { ...env, PORT: String(port), HOST: "127.0.0.1" });
    const worker = start("worker", { ...env, OZ_WORKER_ID: `first-run-${randomBytes(3).toString("hex")}` });
    await Promise.all([answersReady(port, 45_000, api), worker.waitForOutput(/"msg":"worker started"/, 45_000)]);

    // The setup link's page, as the browser sends it: the first admin, and the API key it shows once.
    const token = new URL(readFileSync(tokenFile, "utf8").trim()).searchParams.get("token");
    const setup = await fetch(`http://127.0.0.1:${port}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-oz-csrf": "1" },
      body: JSON.stringify({
        token,
        team_name: "First team",
        display_name: "New User",
        email: "new@example.com",
        password: "a long first password",
      }),
    });
    expect(setup.status, await setup.clone().text()).toBe(200);
    const { api_key: key } = (await setup.json()) as { api_key: string };

    const script = readmeFirstRun()
      .replace(/^export WARP_API_KEY=.*$/m, `export WARP_API_KEY=${key}`)
      .replace("http://localhost:8080", `http://127.0.0.1:${port}`);
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script], { timeout: 90_000 });
    expect(stdout).toContain("hello");
    expect(stdout).toContain("say hello"); // the prompt, echoed by the command
    expect(stdout.trim().split("\n").at(-1)).toBe('"SUCCEEDED"');
  }, 150_000);

  it("an API started while PostgreSQL is unreachable says it waits, and serves once it can connect", async () => {
    const server = new URL(await postgresServerUrl());
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) }, { closed: true });
    proxies.push(proxy);
    const port = await freePort();
    const api = start("api", {
      DATABASE_URL: await freshDatabaseUrl(proxy),
      PORT: String(port),
      HOST: "127.0.0.1",
      OZ_QUEUE_PREFIX: `oz-start-${randomBytes(3).toString("hex")}`,
    });
    await api.waitForOutput(/waiting for PostgreSQL at 127\.0\.0\.1:\d+\/oz_test_start_\w+: .*ECONNREFUSED/, 30_000);
    await proxy.restore();
    await answersReady(port, 30_000, api);
    expect(api.output()).toMatch(/PostgreSQL at .* is up/);

    // Health checks poll every few seconds: they stay out of the log, other requests do not.
    for (const path of ["/readyz", "/healthz", "/readyz", "/api/v1/openapi.json"])
      expect((await fetch(`http://127.0.0.1:${port}${path}`)).status).toBe(200);
    await api.waitForOutput(/"url":"\/api\/v1\/openapi\.json"/, 5_000);
    expect(api.output()).not.toMatch(/"url":"\/(readyz|healthz)"/);
  }, 60_000);

  it("a worker started before PostgreSQL and Redis waits for each in turn, then takes runs", async () => {
    const server = new URL(await postgresServerUrl());
    const redis = new URL(REDIS_URL);
    const postgresProxy = await startTcpProxy(
      { host: server.hostname, port: Number(server.port || 5432) },
      { closed: true },
    );
    const redisProxy = await startTcpProxy(
      { host: redis.hostname, port: Number(redis.port || 6379) },
      { closed: true },
    );
    proxies.push(postgresProxy, redisProxy);
    const worker = start("worker", {
      DATABASE_URL: await freshDatabaseUrl(postgresProxy),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      OZ_QUEUE_PREFIX: `oz-start-${randomBytes(3).toString("hex")}`,
      OZ_WORKER_ID: `start-up-waiting-${randomBytes(3).toString("hex")}`,
    });
    await worker.waitForOutput(/waiting for PostgreSQL at/, 30_000);
    await postgresProxy.restore();
    await worker.waitForOutput(/waiting for Redis at 127\.0\.0\.1:\d+/, 30_000);
    expect(worker.output()).not.toMatch(/worker started/);
    await redisProxy.restore();
    await worker.waitForOutput(/"msg":"worker started"/, 30_000);
  }, 60_000);
});
