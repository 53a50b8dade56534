import closeWithGrace from "close-with-grace";
import pino from "pino";
import { blobStoreFrom } from "@oz/blobs";
import { DEV_MASTER_KEY_FILE, loadApiConfig, modelCatalogueEnv } from "@oz/config";
import { createDb } from "@oz/db";
import { loadModelCatalogue } from "@oz/llm";
import { createApiMetrics } from "@oz/metrics";
import { resolveMasterKey } from "@oz/secrets";
import { prepareServices } from "@oz/startup";
import { buildApp } from "./app.ts";
import { buildApiDeps } from "./build-deps.ts";
import { announceFirstAdminSetup } from "./setup/announce-setup.ts";
import { bootstrapAdmin } from "./teams/bootstrap.ts";

const config = loadApiConfig();
const logger = { level: config.OZ_LOG_LEVEL };

// Redis may come later: runs accepted meanwhile stay QUEUED and the sweeper enqueues them.
await prepareServices({
  databaseUrl: config.DATABASE_URL,
  migrate: config.OZ_MIGRATE_ON_START,
  log: pino({ level: config.OZ_LOG_LEVEL, base: { process: "api" } }),
  timeoutMs: config.OZ_STARTUP_TIMEOUT_SECONDS * 1000,
});
const db = createDb({ connectionString: config.DATABASE_URL, poolSize: config.OZ_DB_POOL_SIZE });
const masterKey = await resolveMasterKey({
  configured: config.OZ_MASTER_KEY,
  production: config.NODE_ENV === "production",
  devKeyFile: DEV_MASTER_KEY_FILE,
});
const { deps, close: closeLive } = buildApiDeps({
  db,
  redisUrl: config.REDIS_URL,
  queuePrefix: config.OZ_QUEUE_PREFIX,
  masterKey: masterKey.key,
  blobs: blobStoreFrom(config, db),
  sweepIntervalMs: config.OZ_SWEEP_INTERVAL_SECONDS * 1000,
  scheduleReconcileIntervalMs: config.OZ_SCHEDULE_RECONCILE_SECONDS * 1000,
  scheduleSecondsField: config.OZ_SCHEDULE_SECONDS_FIELD,
  databaseUrl: config.DATABASE_URL, // the API-key cache's LISTEN connection
  publicUrl: config.OZ_PUBLIC_URL,
  agentLimit: config.OZ_AGENT_LIMIT,
  maxOrchestrationDepth: config.OZ_MAX_ORCHESTRATION_DEPTH,
  models: loadModelCatalogue(modelCatalogueEnv()),
  githubUrl: config.OZ_GITHUB_URL,
  maxPromptBytes: config.OZ_MAX_PROMPT_BYTES,
  sandboxMaxima: {
    cpus: config.OZ_SANDBOX_MAX_CPUS,
    memoryMb: config.OZ_SANDBOX_MAX_MEMORY_MB,
    pidsLimit: config.OZ_SANDBOX_MAX_PIDS,
  },
  warmPoolMaxSize: config.OZ_WARM_POOL_MAX_SIZE,
  teamMaxConcurrentRuns: config.OZ_TEAM_MAX_CONCURRENT_RUNS,
  allowedCidrs: config.OZ_SANDBOX_ALLOWED_CIDRS,
  bodyLimit: config.OZ_BODY_LIMIT_BYTES,
  trustProxy: config.OZ_TRUST_PROXY,
  sessionLifetimeMs: config.OZ_SESSION_LIFETIME_HOURS * 3_600_000,
  metrics: createApiMetrics(),
  metricsToken: config.OZ_METRICS_TOKEN,
  oidc: {
    maxTokenSeconds: config.OZ_OIDC_MAX_TOKEN_SECONDS,
    keyRotationMs: config.OZ_OIDC_KEY_ROTATION_DAYS * 86_400_000,
  },
  logger,
});
const app = await buildApp(deps);
if (masterKey.warning) app.log.warn(masterKey.warning);
const bootstrapped = await bootstrapAdmin(db, {
  adminEmail: config.OZ_BOOTSTRAP_ADMIN_EMAIL,
  adminPassword: config.OZ_BOOTSTRAP_ADMIN_PASSWORD,
  apiKey: config.OZ_BOOTSTRAP_API_KEY,
  teamName: config.OZ_BOOTSTRAP_TEAM_NAME,
});
if (bootstrapped !== "skipped")
  app.log.info({ email: config.OZ_BOOTSTRAP_ADMIN_EMAIL }, `bootstrap admin ${bootstrapped}`);
await announceFirstAdminSetup(
  db,
  {
    publicUrl: config.OZ_PUBLIC_URL,
    tokenFile: config.OZ_SETUP_TOKEN_FILE,
    bootstrapConfigured: bootstrapped !== "skipped",
  },
  app.log,
);

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, "shutting down after an error");
  await app.close();
  await closeLive();
  await db.$disconnect();
});
await app.listen({ port: config.PORT, host: config.HOST });
