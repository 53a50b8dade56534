import { randomBytes } from "node:crypto";
import pg from "pg";
import { GenericContainer, Wait } from "testcontainers";
import { createDb, migrateUp, type Db } from "@oz/db";

const TEMPLATE_DB = "oz_test_template";

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
export async function prepareTemplateDatabase(): Promise<void> {
  await admin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  await migrateUp(withDatabase(await postgresServerUrl(), TEMPLATE_DB));
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `oz_test_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
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
