export { createDb, poolOf, queryRows, type Db, type DbOptions } from "./client.ts";
export {
  migrateUp,
  isSchemaCurrent,
  latestMigrationName,
  MigrationLockTimeout,
  MIGRATION_LOCK_ID,
  MIGRATIONS_DIR,
  type MigrateOptions,
} from "./migrate.ts";
export { ensureDatabaseExists } from "./ensure-database.ts";
export { Prisma } from "./generated/prisma/client.ts";
export type * from "./generated/prisma/client.ts";
export { RunState as DbRunState } from "./generated/prisma/enums.ts";
export { newUid, newUuid } from "./ids.ts";
