import Docker from "dockerode";
import { expect } from "vitest";
import type { RunItem, RunState } from "@oz/contract";
import type { ModelCatalogue } from "@oz/llm";
import { TERMINAL_RUN_STATES } from "@oz/contract";
import { call, startTestServer, type TestServer } from "../../../api/test/support/test-server.ts";
import type { AppDeps } from "../../../api/src/deps.ts";
import type { WorkerSettings } from "../../src/settings.ts";
import { startTestWorker, TEST_IMAGE, type TestWorker, type TestWorkerOptions } from "./test-worker.ts";

export { call, TEST_IMAGE };
export const DEBIAN_IMAGE = "oz-test/debian:bookworm";

/** The real API and a real worker sharing one database, queue namespace, blob store and master key. */
export interface TestPlatform {
  server: TestServer;
  /** The platform's first worker (absent with `withoutWorker`). */
  worker: TestWorker;
  key: string;
  /** Starts another worker on the same platform (another host, a second pool member, …). */
  addWorker(
    overrides?: Partial<WorkerSettings>,
    workerOptions?: Pick<TestWorkerOptions, "docker">,
  ): Promise<TestWorker>;
  close(): Promise<void>;
}

export async function startTestPlatform(
  overrides: Partial<WorkerSettings> = {},
  options: {
    redisUrl?: string;
    apiDatabaseUrl?: (url: string) => string;
    withoutWorker?: boolean;
    /** The workers' model catalogue (the built-in harness's models). */
    models?: ModelCatalogue;
    /** Runs the API's own sweeper at this interval. */
    sweepIntervalMs?: number;
    /** Dependencies of the API to replace (its download-link signer, limits, allow-list). */
    serverOverrides?: Partial<AppDeps>;
    /** The workers' sandbox network (e.g. the isolated test network); default Docker's `bridge`. */
    sandboxNetwork?: string;
    /** The API's listening address (default loopback; `0.0.0.0` for sandboxes that call the API). */
    host?: string;
  } = {},
): Promise<TestPlatform> {
  const server = await startTestServer(options.serverOverrides ?? {}, options);
  const workers: TestWorker[] = [];
  const addWorker = async (
    more: Partial<WorkerSettings> = {},
    workerOptions: Pick<TestWorkerOptions, "docker"> = {},
  ) => {
    const worker = await startTestWorker(
      server.database.db,
      { queuePrefix: server.queuePrefix, ...overrides, ...more },
      {
        blobs: server.blobs,
        masterKey: server.masterKey,
        ...(options.redisUrl && { redisUrl: options.redisUrl }),
        ...(options.models && { models: options.models }),
        ...(options.sandboxNetwork && { sandboxNetwork: options.sandboxNetwork }),
        ...workerOptions,
      },
    );
    workers.push(worker);
    return worker;
  };
  const worker = options.withoutWorker ? (undefined as unknown as TestWorker) : await addWorker();
  return {
    server,
    worker,
    key: server.team.apiKey,
    addWorker,
    async close() {
      for (const w of workers) await w.close().catch(() => {});
      await server.close();
    },
  };
}

/** Creates a run through the API and returns its id. */
export async function createRun(platform: TestPlatform, body: Record<string, unknown>): Promise<string> {
  const res = await call(platform.server, "POST", "/agent/runs", { key: platform.key, body });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.run_id as string;
}

export async function commandRun(
  platform: TestPlatform,
  command: string,
  config: Record<string, unknown> = {},
  body: Record<string, unknown> = {},
) {
  return createRun(platform, {
    prompt: "do the thing",
    ...body,
    config: { harness: { type: "command", command }, ...config },
  });
}

export async function getRun(platform: TestPlatform, runId: string): Promise<RunItem> {
  const res = await call(platform.server, "GET", `/agent/runs/${runId}`, { key: platform.key });
  expect(res.status).toBe(200);
  return res.json as RunItem;
}

/** Polls the API until the run is in one of `states` (default: any terminal state). */
export async function waitForState(
  platform: TestPlatform,
  runId: string,
  states: readonly RunState[] = TERMINAL_RUN_STATES,
  timeoutMs = 30_000,
): Promise<RunItem> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(platform, runId);
    if (states.includes(run.state)) return run;
    if (Date.now() > deadline)
      throw new Error(
        `run ${runId} is ${run.state} after ${timeoutMs} ms, expected ${states.join("|")}: ${JSON.stringify(run.status_message)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function transcript(platform: TestPlatform, runId: string) {
  const res = await call(platform.server, "GET", `/agent/runs/${runId}/events?limit=1000`, { key: platform.key });
  expect(res.status).toBe(200);
  return res.json.events as { id: string; seq: number; type: string; payload: Record<string, unknown> }[];
}

export const outputOf = (events: Awaited<ReturnType<typeof transcript>>) =>
  events
    .filter((e) => e.type === "output")
    .map((e) => e.payload.text as string)
    .join("");

const docker = new Docker();

/** Sandbox containers of a run still on the Docker host. */
export async function containersOf(runId: string) {
  return docker.listContainers({ all: true, filters: { label: [`oz.run_id=${runId}`] } });
}

/** Sandbox containers of any of these workers still on the Docker host. */
export async function containersOfWorkers(workerIds: string[]) {
  const lists = await Promise.all(
    workerIds.map((id) => docker.listContainers({ all: true, filters: { label: [`oz.worker_id=${id}`] } })),
  );
  return lists.flat();
}

export async function createEnvironment(platform: TestPlatform, body: Record<string, unknown>): Promise<string> {
  const res = await call(platform.server, "POST", "/agent/environments", {
    key: platform.key,
    body: { name: "env", docker_image: TEST_IMAGE, ...body },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.uid as string;
}

export async function createSecret(platform: TestPlatform, name: string, value: string) {
  const res = await call(platform.server, "POST", "/secrets", { key: platform.key, body: { name, value } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}

/** The environment of a worker process (spawnWorkerProcess) joining the platform. */
export function workerProcessEnv(
  platform: TestPlatform,
  workerId: string,
  redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
) {
  return {
    DATABASE_URL: platform.server.database.url,
    REDIS_URL: redisUrl,
    OZ_QUEUE_PREFIX: platform.server.queuePrefix,
    OZ_WORKER_ID: workerId,
    OZ_MASTER_KEY: platform.server.masterKey.toString("hex"),
    OZ_DEFAULT_IMAGE: TEST_IMAGE,
    OZ_LEASE_SECONDS: "2",
    OZ_SWEEP_INTERVAL_SECONDS: "0.5",
    OZ_SANDBOX_MEMORY_MB: "256",
  };
}

/** Lets the platform's team send runs to a self-hosted worker host (an admin's registration). */
export async function registerWorkerHost(platform: TestPlatform, host: string) {
  const res = await call(platform.server, "POST", "/worker-hosts", { key: platform.key, body: { host } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}
