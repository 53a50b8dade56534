import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { LocalDirBlobStore, type BlobStore } from "@oz/blobs";
import { RunEventLog } from "@oz/events";
import { loadModelCatalogue, type ModelCatalogue } from "@oz/llm";
import { createRedis, RunQueues } from "@oz/queue";
import { DockerSandboxProvider } from "@oz/sandbox";
import { createSecretBox } from "@oz/secrets";
import type { Db } from "@oz/db";
import { ActiveRuns } from "../../src/active-runs.ts";
import type { WorkerDeps } from "../../src/deps.ts";
import { startWorker, type RunningWorker } from "../../src/run-worker.ts";
import type { WorkerSettings } from "../../src/settings.ts";

export const TEST_IMAGE = process.env.OZ_TEST_IMAGE ?? "oz-test/busybox:latest";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** The master key tests encrypt secrets with (the API side of a test must use the same). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);

export function testWorkerSettings(overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  return {
    workerId: `test-worker-${randomUUID()}`,
    workerHost: null,
    concurrency: 4,
    queuePrefix: `oz-test-${randomUUID().slice(0, 8)}`,
    leaseMs: 3_000,
    sweepIntervalMs: 500,
    maxRuntimeMs: 60_000,
    defaultImage: TEST_IMAGE,
    defaultResources: { cpus: 1, memoryMb: 256, pidsLimit: 128 },
    artifactMaxBytes: 1024 * 1024,
    githubUrl: "http://127.0.0.1:1",
    toolLoopLimits: {},
    // Where the tests' git daemon and fake servers listen (the host on Docker's default bridge), a private address.
    allowedCidrs: ["172.17.0.1/32"],
    ...overrides,
  };
}

export interface TestWorker {
  worker: RunningWorker;
  deps: WorkerDeps;
  settings: WorkerSettings;
  /** A producer on the worker's queues (what the API uses to dispatch). */
  queues: RunQueues;
  close(): Promise<void>;
}

/** A real worker (BullMQ, Docker, Postgres) in this process, on a queue prefix of its own. */
export interface TestWorkerOptions {
  /** Share the API's blob store, so artifacts the worker records can be downloaded through the API. */
  blobs?: BlobStore;
  /** The master key the API encrypted the team's secrets with. */
  masterKey?: Buffer;
  redisUrl?: string;
  /** The built-in harness's models (e.g. a fake LLM server's); default: none. */
  models?: ModelCatalogue;
  /** The Docker network of sandboxes with network (e.g. the isolated test network); default Docker's `bridge`. */
  sandboxNetwork?: string;
}

export async function startTestWorker(
  db: Db,
  overrides: Partial<WorkerSettings> = {},
  options: TestWorkerOptions = {},
): Promise<TestWorker> {
  const settings = testWorkerSettings(overrides);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const ownBlobDir = options.blobs ? undefined : await mkdtemp(join(tmpdir(), "oz-blobs-"));
  const publisher = createRedis(redisUrl);
  const producer = createRedis(redisUrl);
  for (const c of [publisher, producer]) c.on("error", () => {});
  const deps: WorkerDeps = {
    db,
    events: new RunEventLog(db, publisher),
    sandboxes: new DockerSandboxProvider(options.sandboxNetwork ? { network: options.sandboxNetwork } : {}),
    blobs: options.blobs ?? new LocalDirBlobStore(ownBlobDir!),
    secretBox: createSecretBox(options.masterKey ?? TEST_MASTER_KEY),
    settings,
    models: options.models ?? loadModelCatalogue({}),
    active: new ActiveRuns(),
    log: pino({ level: process.env.OZ_TEST_LOG_LEVEL ?? "silent" }),
  };
  const worker = await startWorker(deps, redisUrl);
  const queues = new RunQueues(producer, settings.queuePrefix);
  return {
    worker,
    deps,
    settings,
    queues,
    async close() {
      await worker.close();
      await queues.close();
      for (const c of [publisher, producer]) c.disconnect();
      if (ownBlobDir) await rm(ownBlobDir, { recursive: true, force: true });
    },
  };
}
