export { createDb, queryRows, type Db, type DbOptions } from "./client.ts";
export { migrateUp, MIGRATIONS_DIR } from "./migrate.ts";
export { Prisma } from "./generated/prisma/client.ts";
export type * from "./generated/prisma/client.ts";
export { RunState as DbRunState } from "./generated/prisma/enums.ts";
export { newUid, newUuid } from "./ids.ts";
