import closeWithGrace from "close-with-grace";
import pino from "pino";
import { DEV_MASTER_KEY_FILE, loadApiConfig } from "@oz/config";
import { createDb } from "@oz/db";
import { loadModelCatalogue } from "@oz/llm";
import { resolveMasterKey } from "@oz/secrets";
import { prepareServices } from "@oz/startup";
import { buildApp } from "./app.ts";
import { secretAndArtifactDeps } from "./deps.ts";
import { createLiveDeps } from "./dispatch/live-deps.ts";
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
const { close: closeLive, ...live } = createLiveDeps(db, config.REDIS_URL, config.OZ_QUEUE_PREFIX, {
  sweepIntervalMs: config.OZ_SWEEP_INTERVAL_SECONDS * 1000,
});
const app = await buildApp({
  db,
  databaseUrl: config.DATABASE_URL, // the API-key cache's LISTEN connection
  ...live,
  publicUrl: config.OZ_PUBLIC_URL,
  agentLimit: config.OZ_AGENT_LIMIT,
  maxOrchestrationDepth: config.OZ_MAX_ORCHESTRATION_DEPTH,
  models: loadModelCatalogue(),
  githubUrl: config.OZ_GITHUB_URL,
  maxPromptBytes: config.OZ_MAX_PROMPT_BYTES,
  sandboxMaxima: {
    cpus: config.OZ_SANDBOX_MAX_CPUS,
    memoryMb: config.OZ_SANDBOX_MAX_MEMORY_MB,
    pidsLimit: config.OZ_SANDBOX_MAX_PIDS,
  },
  teamMaxConcurrentRuns: config.OZ_TEAM_MAX_CONCURRENT_RUNS,
  allowedCidrs: config.OZ_SANDBOX_ALLOWED_CIDRS,
  ...secretAndArtifactDeps(masterKey.key, config.OZ_BLOB_DIR, config.OZ_PUBLIC_URL),
  bodyLimit: config.OZ_BODY_LIMIT_BYTES,
  sessionLifetimeMs: config.OZ_SESSION_LIFETIME_HOURS * 3_600_000,
  logger,
});
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
