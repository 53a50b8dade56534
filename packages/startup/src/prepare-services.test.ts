import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isSchemaCurrent, latestMigrationName, MIGRATION_LOCK_ID, MigrationLockTimeout, migrateUp } from "@oz/db";
import { dropDatabases, postgresServerUrl, startTcpProxy, testDatabaseUrl, type TcpProxy } from "@oz/testing";
import { prepareServices, StartupTimeout, type StartupLog } from "./index.ts";

const created: string[] = [];
const proxies: TcpProxy[] = [];

/** A database name nobody has created yet (dropped after the file). */
function freshName(): string {
  const name = `oz_test_startup_${randomBytes(5).toString("hex")}`;
  created.push(name);
  return name;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function recordingLog(): StartupLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_o, msg) => lines.push(msg), warn: (_o, msg) => lines.push(msg) };
}

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await dropDatabases(created);
});

describe("prepareServices", () => {
  it("creates and migrates a database that does not exist once, when six processes start at the same time", async () => {
    const url = await testDatabaseUrl(freshName());
    const log = recordingLog();
    await Promise.all(
      Array.from({ length: 6 }, () => prepareServices({ databaseUrl: url, migrate: true, log, timeoutMs: 30_000 })),
    );
    await withClient(url, async (client) => {
      expect(await isSchemaCurrent(client)).toBe(true);
      const { rows } = await client.query<{ name: string }>("SELECT name FROM schema_migrations");
      // Every migration recorded exactly once: nobody applied one twice.
      expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
      expect(rows.map((r) => r.name)).toContain(latestMigrationName());
    });
  });

  it("without migrate, waits until another process has migrated the database, then returns", async () => {
    const url = await testDatabaseUrl(freshName());
    const log = recordingLog();
    let ready = false;
    const waiting = prepareServices({ databaseUrl: url, migrate: false, log, timeoutMs: 30_000 }).then(
      () => (ready = true),
    );
    await new Promise((r) => setTimeout(r, 800));
    expect(ready).toBe(false);
    expect(log.lines.join("\n")).toMatch(/waiting for the database schema/);
    await prepareServices({ databaseUrl: url, migrate: true, log: recordingLog(), timeoutMs: 30_000 });
    await waiting;
    expect(ready).toBe(true);
  });

  it("gives up with a message naming what it waited for when the schema never comes", async () => {
    const url = await testDatabaseUrl(freshName());
    const error = await prepareServices({ databaseUrl: url, migrate: false, log: recordingLog(), timeoutMs: 1_500 })
      .then(() => undefined)
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StartupTimeout);
    expect((error as Error).message).toMatch(/gave up waiting for the database schema .* after 2 s/);
    expect((error as Error).message).toMatch(/OZ_STARTUP_TIMEOUT_SECONDS/);
  });

  it("waits while PostgreSQL refuses connections, says so, and migrates once it is reachable", async () => {
    const server = new URL(await postgresServerUrl());
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) }, { closed: true });
    proxies.push(proxy);
    const url = await testDatabaseUrl(freshName(), proxy.port);
    const log = recordingLog();
    const starting = prepareServices({ databaseUrl: url, migrate: true, log, timeoutMs: 30_000 });
    await expect
      .poll(() => log.lines.join("\n"), { timeout: 10_000 })
      .toMatch(/waiting for PostgreSQL at 127\.0\.0\.1:\d+/);
    await proxy.restore();
    await starting;
    expect(log.lines.join("\n")).toMatch(/PostgreSQL at .* is up/);
    expect(await withClient(url, isSchemaCurrent)).toBe(true);
  });

  it("waits for Redis until it answers", async () => {
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: redisPort() }, { closed: true });
    proxies.push(proxy);
    const url = await testDatabaseUrl(freshName());
    const log = recordingLog();
    const starting = prepareServices({
      databaseUrl: url,
      migrate: true,
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      log,
      timeoutMs: 30_000,
    });
    await expect.poll(() => log.lines.join("\n"), { timeout: 10_000 }).toMatch(/waiting for Redis at 127\.0\.0\.1:\d+/);
    await proxy.restore();
    await starting;
    expect(log.lines.join("\n")).toMatch(/Redis at .* is up/);
  });
});

describe("migrateUp", () => {
  it("waits for the lock another process holds, and fails with a clear message when it is held too long", async () => {
    const url = await testDatabaseUrl(freshName());
    await prepareServices({ databaseUrl: url, migrate: true, log: recordingLog(), timeoutMs: 30_000 });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
      let busy = false;
      const error = await migrateUp(url, { lockWaitMs: 700, onLockBusy: () => (busy = true) })
        .then(() => undefined)
        .catch((err: unknown) => err);
      expect(busy).toBe(true);
      expect(error).toBeInstanceOf(MigrationLockTimeout);
      expect((error as Error).message).toMatch(/another process has been migrating this database/);
      // Released in time: the waiting migrator goes ahead.
      const waiting = migrateUp(url, { lockWaitMs: 10_000 });
      setTimeout(() => void holder.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]), 300);
      await expect(waiting).resolves.toBeUndefined();
    } finally {
      await holder.end();
    }
  });
});

function redisPort(): number {
  return Number(new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379").port || 6379);
}
