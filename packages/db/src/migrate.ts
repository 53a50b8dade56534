import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PG_MIGRATE_LOCK_ID, runner } from "node-pg-migrate";
import pg from "pg";

/** Plain SQL migrations live beside schema.prisma; node-pg-migrate applies them (see ARCHITECTURE.md). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));
const MIGRATIONS_TABLE = "schema_migrations";
/** The advisory lock migrators hold (node-pg-migrate's own, so its CLI and we exclude each other). */
export const MIGRATION_LOCK_ID = PG_MIGRATE_LOCK_ID;

/** Another process held the migration lock for longer than we were willing to wait. */
export class MigrationLockTimeout extends Error {
  override name = "MigrationLockTimeout";
}

export interface MigrateOptions {
  log?: (msg: string) => void;
  /** How long to wait for another process that is migrating the same database (default 2 minutes). */
  lockWaitMs?: number;
  /** Called when another process holds the lock, before waiting for it. */
  onLockBusy?: () => void;
}

/**
 * Applies every pending migration while holding node-pg-migrate's advisory lock. A process that finds the lock
 * taken waits for it (up to `lockWaitMs`) instead of failing, so processes started together on a fresh database
 * migrate one after the other: the first applies everything, the others find nothing left to do.
 */
export async function migrateUp(databaseUrl: string, options: MigrateOptions = {}): Promise<void> {
  const { log = () => {}, lockWaitMs = 120_000, onLockBusy = () => {} } = options;
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "oz-migrate" });
  await client.connect();
  try {
    await acquireMigrationLock(client, lockWaitMs, onLockBusy);
    await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: "up",
      migrationsTable: MIGRATIONS_TABLE,
      useGlob: false,
      log,
      verbose: false,
      noLock: true, // held above, on this same session
      checkOrder: true,
    });
  } finally {
    await client.end(); // ending the session releases the lock
  }
}

async function acquireMigrationLock(client: pg.Client, waitMs: number, onBusy: () => void) {
  const { rows } = await client.query<{ got: boolean }>("SELECT pg_try_advisory_lock($1) AS got", [MIGRATION_LOCK_ID]);
  if (rows[0]?.got) return;
  onBusy();
  // lock_timeout bounds the wait for an advisory lock like any other; reset so migrations themselves are not bound.
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(waitMs))}`);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
  } catch (err) {
    if ((err as { code?: string }).code !== "55P03") throw err; // lock_not_available
    throw new MigrationLockTimeout(
      `another process has been migrating this database for over ${Math.round(waitMs / 1000)} s ` +
        "(see pg_stat_activity, application_name 'oz-migrate'); stop it or wait for it, then start again",
    );
  }
  await client.query("RESET lock_timeout");
}

/** The name of the newest migration file: a database migrated by this code has it in its migrations table. */
export function latestMigrationName(): string {
  const names = readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => file.replace(/\.sql$/, ""))
    .sort();
  const latest = names.at(-1);
  if (!latest) throw new Error(`no migrations in ${MIGRATIONS_DIR}`);
  return latest;
}

/** True when `latestMigrationName()` has been applied to the database the client is connected to. */
export async function isSchemaCurrent(client: pg.Client): Promise<boolean> {
  const table = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [
    MIGRATIONS_TABLE,
  ]);
  if (!table.rows[0]?.found) return false;
  const { rowCount } = await client.query(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE name = $1`, [latestMigrationName()]);
  return rowCount === 1;
}
