import { hostname } from "node:os";
import closeWithGrace from "close-with-grace";
import pino from "pino";
import { LocalDirBlobStore } from "@oz/blobs";
import { DEV_MASTER_KEY_FILE, loadWorkerConfig } from "@oz/config";
import { createDb } from "@oz/db";
import { loadModelCatalogue } from "@oz/llm";
import { RunEventLog } from "@oz/events";
import { createRedis } from "@oz/queue";
import { DockerSandboxProvider, probeDiskLimit } from "@oz/sandbox";
import { createSecretBox, resolveMasterKey } from "@oz/secrets";
import { prepareServices } from "@oz/startup";
import { ActiveRuns } from "./active-runs.ts";
import { setUpSandboxIsolation } from "./sandbox-isolation.ts";
import { startWorker } from "./run-worker.ts";
import type { WorkerSettings } from "./settings.ts";

const config = loadWorkerConfig();
const log = pino({ level: config.OZ_LOG_LEVEL, base: { process: "worker" } });

await prepareServices({
  databaseUrl: config.DATABASE_URL,
  migrate: config.OZ_MIGRATE_ON_START,
  redisUrl: config.REDIS_URL,
  log,
  timeoutMs: config.OZ_STARTUP_TIMEOUT_SECONDS * 1000,
});
const db = createDb({ connectionString: config.DATABASE_URL, poolSize: config.OZ_WORKER_DB_POOL_SIZE });
const masterKey = await resolveMasterKey({
  configured: config.OZ_MASTER_KEY,
  production: config.NODE_ENV === "production",
  devKeyFile: DEV_MASTER_KEY_FILE,
});
if (masterKey.warning) log.warn(masterKey.warning);

const settings: WorkerSettings = {
  workerId: config.OZ_WORKER_ID ?? `${hostname()}${config.OZ_WORKER_HOST ? `-${config.OZ_WORKER_HOST}` : ""}`,
  workerHost: config.OZ_WORKER_HOST ?? null,
  concurrency: config.OZ_WORKER_CONCURRENCY,
  queuePrefix: config.OZ_QUEUE_PREFIX,
  leaseMs: config.OZ_LEASE_SECONDS * 1000,
  sweepIntervalMs: config.OZ_SWEEP_INTERVAL_SECONDS * 1000,
  maxRuntimeMs: config.OZ_MAX_RUNTIME_SECONDS * 1000,
  defaultImage: config.OZ_DEFAULT_IMAGE,
  defaultResources: {
    cpus: config.OZ_SANDBOX_CPUS,
    memoryMb: config.OZ_SANDBOX_MEMORY_MB,
    pidsLimit: config.OZ_SANDBOX_PIDS_LIMIT,
  },
  artifactMaxBytes: config.OZ_ARTIFACT_MAX_BYTES,
  githubUrl: config.OZ_GITHUB_URL,
  toolLoopLimits: { maxTurns: config.OZ_AGENT_MAX_TURNS },
  sandboxMaxima: {
    cpus: config.OZ_SANDBOX_MAX_CPUS,
    memoryMb: config.OZ_SANDBOX_MAX_MEMORY_MB,
    pidsLimit: config.OZ_SANDBOX_MAX_PIDS,
  },
  teamMaxConcurrentRuns: config.OZ_TEAM_MAX_CONCURRENT_RUNS,
  allowedCidrs: config.OZ_SANDBOX_ALLOWED_CIDRS,
};

const sandboxes = new DockerSandboxProvider({
  network: config.OZ_SANDBOX_NETWORK,
  ...(config.OZ_SANDBOX_DISK_MB !== undefined && (await diskLimitOf(config.OZ_SANDBOX_DISK_MB))),
});
let isolation;
try {
  isolation = await setUpSandboxIsolation(
    sandboxes,
    {
      network: config.OZ_SANDBOX_NETWORK,
      firewall: config.OZ_SANDBOX_FIREWALL,
      allowedCidrs: config.OZ_SANDBOX_ALLOWED_CIDRS,
      publicUrl: config.OZ_PUBLIC_URL,
    },
    log,
  );
} catch (err) {
  log.fatal(
    { err },
    `refusing to start: ${(err as Error).message} (set OZ_SANDBOX_FIREWALL=off only if the host's own firewall isolates sandboxes)`,
  );
  process.exit(1);
}

const publisher = createRedis(config.REDIS_URL);
publisher.on("error", () => {});
const worker = await startWorker(
  {
    db,
    events: new RunEventLog(db, publisher),
    sandboxes,
    blobs: new LocalDirBlobStore(config.OZ_BLOB_DIR),
    secretBox: createSecretBox(masterKey.key),
    settings,
    models: loadModelCatalogue(),
    active: new ActiveRuns(),
    log,
  },
  config.REDIS_URL,
);

// The drain, then up to ~15 s to hand unfinished runs back; a supervisor's grace period must cover both.
const drainMs = config.OZ_WORKER_DRAIN_SECONDS * 1000;
closeWithGrace({ delay: drainMs + 15_000 }, async ({ err, signal }) => {
  if (err) log.error({ err }, "shutting down after an error");
  else
    log.info({ signal, drainSeconds: config.OZ_WORKER_DRAIN_SECONDS }, "shutting down: finishing the runs in progress");
  isolation.stop();
  await worker.close({ drainMs });
  await publisher.quit().catch(() => {});
  await db.$disconnect();
});

/** The disk limit if this engine can enforce it; otherwise a warning and none (docs/configuration.md, OZ_SANDBOX_DISK_MB). */
async function diskLimitOf(sizeMb: number): Promise<{ diskLimitMb?: number }> {
  const probe = await probeDiskLimit(config.OZ_DEFAULT_IMAGE, sizeMb);
  if (probe.supported) return { diskLimitMb: sizeMb };
  log.warn(
    { reason: probe.reason },
    "OZ_SANDBOX_DISK_MB is set but this Docker engine cannot limit a container's disk",
  );
  return {};
}
