import { hostname } from "node:os";
import closeWithGrace from "close-with-grace";
import pino from "pino";
import { blobStoreFrom } from "@oz/blobs";
import { DEV_MASTER_KEY_FILE, loadWorkerConfig, modelCatalogueEnv } from "@oz/config";
import { createDb } from "@oz/db";
import { loadModelCatalogue } from "@oz/llm";
import {
  describeDockerEndpoint,
  dockerClientFrom,
  DockerSandboxProvider,
  engineFirewallRunner,
  localFirewallRunner,
  probeDiskLimit,
} from "@oz/sandbox";
import { resolveMasterKey } from "@oz/secrets";
import { prepareServices } from "@oz/startup";
import { buildWorkerDeps } from "./deps.ts";
import { serveMetrics } from "./metrics/metrics-server.ts";
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
  warmPoolMaxSize: config.OZ_WARM_POOL_MAX_SIZE,
  allowedCidrs: config.OZ_SANDBOX_ALLOWED_CIDRS,
};

const docker = dockerClientFrom(config.dockerEndpoint);
const sandboxes = new DockerSandboxProvider({
  docker,
  network: config.OZ_SANDBOX_NETWORK,
  networkHolders: {
    size: config.OZ_SANDBOX_NETWORK_HOLDERS ?? config.OZ_WORKER_CONCURRENCY,
    workerId: settings.workerId,
  },
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
      firewallRunner:
        config.OZ_SANDBOX_FIREWALL_VIA === "engine"
          ? engineFirewallRunner(
              docker,
              config.OZ_SANDBOX_FIREWALL_HELPER_IMAGE,
              describeDockerEndpoint(config.dockerEndpoint),
            )
          : localFirewallRunner,
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

if (isolation.apiUrl) settings.sandboxApiUrl = isolation.apiUrl;

const { deps, close: closeDeps } = buildWorkerDeps({
  db,
  settings,
  redisUrl: config.REDIS_URL,
  sandboxes,
  blobs: blobStoreFrom(config, db),
  masterKey: masterKey.key,
  models: loadModelCatalogue(modelCatalogueEnv()),
  log,
});
const { metrics } = deps;
const metricsServer = await startMetricsServer();
const worker = await startWorker(deps, config.REDIS_URL);
// Network namespaces for sandboxes of the default image, ready before the first run (after the restart clean-up).
sandboxes.prepareNetworkFor(config.OZ_DEFAULT_IMAGE);

// The drain, then up to ~15 s to hand unfinished runs back; a supervisor's grace period must cover both.
const drainMs = config.OZ_WORKER_DRAIN_SECONDS * 1000;
closeWithGrace({ delay: drainMs + 15_000 }, async ({ err, signal }) => {
  if (err) log.error({ err }, "shutting down after an error");
  else
    log.info({ signal, drainSeconds: config.OZ_WORKER_DRAIN_SECONDS }, "shutting down: finishing the runs in progress");
  isolation.stop();
  await worker.close({ drainMs });
  await metricsServer?.close();
  await closeDeps();
  await db.$disconnect();
});

/** The disk limit if this engine can enforce it; otherwise a warning and none (docs/configuration.md, OZ_SANDBOX_DISK_MB). */
async function diskLimitOf(sizeMb: number): Promise<{ diskLimitMb?: number }> {
  const probe = await probeDiskLimit(config.OZ_DEFAULT_IMAGE, sizeMb, docker);
  if (probe.supported) return { diskLimitMb: sizeMb };
  log.warn(
    { reason: probe.reason },
    "OZ_SANDBOX_DISK_MB is set but this Docker engine cannot limit a container's disk",
  );
  return {};
}

/** The metrics port, when OZ_WORKER_METRICS_PORT asks for one (docs/metrics.md); a taken port stops the start. */
async function startMetricsServer() {
  if (config.OZ_WORKER_METRICS_PORT === undefined) return undefined;
  try {
    const server = await serveMetrics({
      registry: metrics.registry,
      port: config.OZ_WORKER_METRICS_PORT,
      host: config.OZ_WORKER_METRICS_HOST,
      token: config.OZ_METRICS_TOKEN,
    });
    log.info({ port: server.port, host: config.OZ_WORKER_METRICS_HOST }, "serving Prometheus metrics on /metrics");
    return server;
  } catch (err) {
    log.fatal(`refusing to start: ${(err as Error).message}`);
    process.exit(1);
  }
}
