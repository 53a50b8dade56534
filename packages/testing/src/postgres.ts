import { randomBytes } from "node:crypto";
import pg from "pg";
import { GenericContainer, Wait } from "testcontainers";
import { createDb, migrateUp, type Db } from "@oz/db";

/**
 * Each test run migrates a template of its own (globalSetup names it in the environment, which test
 * workers inherit), so two test runs on one machine never drop each other's template.
 */
const templateDb = () => {
  const name = process.env.OZ_TEST_TEMPLATE_DB;
  if (!name)
    throw new Error("OZ_TEST_TEMPLATE_DB is unset: run tests through vitest (its globalSetup prepares the template)");
  return name;
};

let serverUrl: Promise<string> | undefined;

/**
 * The Postgres server tests use: `DATABASE_URL` when set (CI and the project's machines have one on
 * localhost), otherwise a throw-away container started by testcontainers.
 */
export function postgresServerUrl(): Promise<string> {
  serverUrl ??= (async () => {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
    const container = await new GenericContainer(process.env.OZ_TEST_POSTGRES_IMAGE ?? "postgres:16-alpine")
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust" })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
      .start();
    return `postgresql://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
  })();
  return serverUrl;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(await postgresServerUrl(), "postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Migrates a template database once per test run (vitest globalSetup calls this); each test file then
 * clones it, which takes a fraction of a second instead of replaying migrations.
 */
export async function prepareTemplateDatabase(): Promise<string> {
  const name = `oz_test_template_${randomBytes(4).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  await migrateUp(withDatabase(await postgresServerUrl(), name));
  process.env.OZ_TEST_TEMPLATE_DB = name;
  return name;
}

export async function dropTemplateDatabase(name: string): Promise<void> {
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `oz_test_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
  const url = withDatabase(await postgresServerUrl(), name);
  const db = createDb({ connectionString: url, poolSize: 10 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** An empty database (no migrations), for migration tests. */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `oz_test_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(await postgresServerUrl(), name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/**
 * The URL of database `name` on the test server (it need not exist: start-up tests create it), optionally
 * through a proxy listening on 127.0.0.1:`viaPort`.
 */
export async function testDatabaseUrl(name: string, viaPort?: number): Promise<string> {
  const url = new URL(withDatabase(await postgresServerUrl(), name));
  if (viaPort) {
    url.hostname = "127.0.0.1";
    url.port = String(viaPort);
  }
  return url.toString();
}

/** Drops the named databases, if they exist (for tests that create their own). */
export async function dropDatabases(names: readonly string[]): Promise<void> {
  await admin(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
