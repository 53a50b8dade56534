import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import pino from "pino";
import { LocalDirBlobStore, type BlobStore } from "@oz/blobs";
import { loadModelCatalogue, type ModelCatalogue } from "@oz/llm";
import { createRedis, RunQueues } from "@oz/queue";
import { DockerSandboxProvider } from "@oz/sandbox";
import type { Db } from "@oz/db";
import { buildWorkerDeps, type WorkerDeps } from "../../src/deps.ts";
import { startWorker, type RunningWorker } from "../../src/run-worker.ts";
import type { WorkerSettings } from "../../src/settings.ts";

// What benchmarks (bench/) need of the worker besides a running one.
export { SANDBOX_PATHS, type WorkerSettings } from "../../src/settings.ts";

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
  /** Network namespaces kept ready for sandboxes; by default, as in production, the worker's concurrency when a
   * sandbox network is given. */
  networkHolders?: number;
  /** The Docker engine the worker drives (dockerClientFrom(DOCKER_HOST)); default the local socket. */
  docker?: Docker;
}

export async function startTestWorker(
  db: Db,
  overrides: Partial<WorkerSettings> = {},
  options: TestWorkerOptions = {},
): Promise<TestWorker> {
  const settings = testWorkerSettings(overrides);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const ownBlobDir = options.blobs ? undefined : await mkdtemp(join(tmpdir(), "oz-blobs-"));
  const producer = createRedis(redisUrl);
  producer.on("error", () => {});
  const { deps, close: closeDeps } = buildWorkerDeps({
    db,
    settings,
    redisUrl,
    sandboxes: new DockerSandboxProvider({
      ...(options.docker && { docker: options.docker }),
      ...(options.sandboxNetwork && { network: options.sandboxNetwork }),
      networkHolders: {
        size: options.networkHolders ?? (options.sandboxNetwork ? settings.concurrency : 0),
        workerId: settings.workerId,
      },
    }),
    blobs: options.blobs ?? new LocalDirBlobStore(ownBlobDir!),
    masterKey: options.masterKey ?? TEST_MASTER_KEY,
    models: options.models ?? loadModelCatalogue({}),
    log: pino({ level: process.env.OZ_TEST_LOG_LEVEL ?? "silent" }),
    // A registry of its own (no process metrics): several test workers in one process keep separate counts.
    defaultMetrics: false,
  });
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
      producer.disconnect();
      await closeDeps();
      if (ownBlobDir) await rm(ownBlobDir, { recursive: true, force: true });
    },
  };
}
