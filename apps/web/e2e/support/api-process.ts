import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, freePort, type TestDatabase } from "@oz/testing";

const API_MAIN = fileURLToPath(new URL("../../../api/src/main.ts", import.meta.url));
const START_PROGRAM = fileURLToPath(new URL("../../../../scripts/start-program.sh", import.meta.url));

export interface ApiProcess {
  origin: string;
  database: TestDatabase;
  /** Where the API was told to keep its setup link. */
  setupTokenFile: string;
  /** Everything the process printed on stdout so far (its JSON log lines and any banner). */
  output(): string;
  /** Resolves with the first stdout line matching, waiting for it. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real API program (`apps/api/src/main.ts`, started as `pnpm start:api` starts it) over a fresh database
 * with no user, serving the built dashboard, with its stdout captured.
 */
export async function startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const [database, port, dir] = await Promise.all([
    createTestDatabase(),
    freePort(),
    mkdtemp(join(tmpdir(), "oz-api-process-")),
  ]);
  await database.db.user.deleteMany(); // the template has none; a fresh instance must have none either
  const origin = `http://127.0.0.1:${port}`;
  const setupTokenFile = join(dir, "data", "setup-token");
  const child: ChildProcess = spawn("sh", [START_PROGRAM, API_MAIN], {
    env: {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      NODE_ENV: "development",
      DATABASE_URL: database.url,
      PORT: String(port),
      HOST: "127.0.0.1",
      OZ_PUBLIC_URL: origin,
      OZ_MIGRATE_ON_START: "false",
      OZ_LOG_LEVEL: "info",
      OZ_MASTER_KEY: randomBytes(32).toString("base64"),
      OZ_QUEUE_PREFIX: `oz-e2e-${randomBytes(4).toString("hex")}`,
      OZ_BLOB_DIR: join(dir, "blobs"),
      OZ_SETUP_TOKEN_FILE: setupTokenFile,
      OZ_BOOTSTRAP_ADMIN_EMAIL: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters) wake();
  });
  const waitForLine = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = stdout.split("\n").find((l) => pattern.test(l));
        if (line === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(line);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`the API printed no line matching ${pattern} within ${timeoutMs} ms:\n${stdout}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const api: ApiProcess = {
    origin,
    database,
    setupTokenFile,
    output: () => stdout,
    waitForLine,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await waitForLine(/Server listening/).catch(async (err) => {
    await api.stop();
    throw err;
  });
  return api;
}
