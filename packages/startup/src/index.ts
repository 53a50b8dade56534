import { preparePostgres } from "./postgres.ts";
import { waitForRedis } from "./redis.ts";
import type { StartupLog } from "./wait-until.ts";

export { StartupTimeout, type StartupLog } from "./wait-until.ts";
export { MigrationLockTimeout } from "@oz/db";

export interface PrepareServicesOptions {
  databaseUrl: string;
  /** Apply pending migrations (creating the database first if needed); else wait for another process to. */
  migrate: boolean;
  /** Also wait for Redis (the worker cannot take runs without it; the API can accept them). */
  redisUrl?: string;
  log: StartupLog;
  /** How long to wait for each service, and for another process's migration, before giving up. */
  timeoutMs: number;
}

/**
 * What the API and the worker do before anything else (ARCHITECTURE.md, "Start-up"): wait for PostgreSQL,
 * create and migrate the database (one process at a time) or wait until it is migrated, and wait for Redis.
 * They may start in any order, before or after PostgreSQL and Redis.
 */
export async function prepareServices(options: PrepareServicesOptions): Promise<void> {
  const wait = { log: options.log, timeoutMs: options.timeoutMs };
  await preparePostgres(options.databaseUrl, options.migrate, wait);
  if (options.redisUrl) await waitForRedis(options.redisUrl, wait);
}
