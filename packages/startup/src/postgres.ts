import { ensureDatabaseExists, isSchemaCurrent, latestMigrationName, migrateUp } from "@oz/db";
import pg from "pg";
import { permanent, waitUntil, type WaitOptions } from "./wait-until.ts";

/** SQLSTATEs that mean "not yet": the server is starting, full, or the database is still being created. */
const TRANSIENT_SQLSTATES = new Set(["57P03", "53300", "3D000"]);

/**
 * Makes the configured database usable. With `migrate`, creates it if missing and applies pending migrations
 * (one process at a time; see migrateUp). Without, waits until another process has migrated it. Either way,
 * waits with backoff while PostgreSQL cannot be reached.
 */
export async function preparePostgres(databaseUrl: string, migrate: boolean, options: WaitOptions): Promise<void> {
  const where = `PostgreSQL at ${describeUrl(databaseUrl)}`;
  if (migrate) {
    await waitUntil(where, () => ensureDatabaseExists(databaseUrl).catch(classify), options);
    await migrateUp(databaseUrl, {
      lockWaitMs: options.timeoutMs,
      log: (msg) => options.log.info({ migrations: true }, msg),
      onLockBusy: () => options.log.info({}, "another process is migrating the database: waiting for it"),
    });
    return;
  }
  await waitUntil(
    `the database schema (migration ${latestMigrationName()}) at ${describeUrl(databaseUrl)}`,
    () => schemaIsCurrent(databaseUrl).catch(classify),
    options,
  );
}

async function schemaIsCurrent(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    if (!(await isSchemaCurrent(client)))
      throw new Error("not migrated yet (a process with OZ_MIGRATE_ON_START=true, or `pnpm migrate`, does it)");
  } finally {
    await client.end();
  }
}

/** Network errors and the transient SQLSTATEs are worth waiting out; anything else (a wrong password) is not. */
function classify(err: unknown): never {
  if (err instanceof pg.DatabaseError && !TRANSIENT_SQLSTATES.has(err.code ?? "")) throw permanent(err);
  throw err;
}

/** host:port/database, without credentials (this goes to the log). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "(unparsable URL)";
  }
}
