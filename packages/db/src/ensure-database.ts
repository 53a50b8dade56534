import pg from "pg";

/**
 * On a fresh Postgres the configured database does not exist yet: create it, so a first start just works.
 * Connects to the server's `postgres` database to do so. Safe when several processes do it at once.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) return;
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString(), application_name: "oz-migrate" });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (err) {
    // Another process created it between our check and our create: 42P04 duplicate_database, or 23505 when
    // both CREATE DATABASE statements ran at once and the catalogue's unique index caught the second.
    const code = (err as { code?: string }).code;
    if (code !== "42P04" && code !== "23505") throw err;
  } finally {
    await client.end();
  }
}
