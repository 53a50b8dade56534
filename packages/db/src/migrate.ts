import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";

/** Plain SQL migrations live beside schema.prisma; node-pg-migrate applies them (see ARCHITECTURE.md). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

/** Applies every pending migration, holding an advisory lock so concurrent starts do not race. */
export async function migrateUp(databaseUrl: string, log: (msg: string) => void = () => {}): Promise<void> {
  await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: "up",
    migrationsTable: "schema_migrations",
    useGlob: false,
    log,
    verbose: false,
    noLock: false,
    checkOrder: true,
  });
}
