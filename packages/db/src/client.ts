import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client.ts";

export type Db = PrismaClient;

export interface DbOptions {
  connectionString: string;
  /** Connections in the pg pool behind Prisma. */
  poolSize?: number;
}

/**
 * A raw statement whose text starts with this comment is prepared once per connection and reused (Postgres
 * skips parsing and, after a few runs, planning). For hot statements only, and only where the best plan does
 * not depend on the parameters' values: each distinct text stays prepared for the connection's lifetime.
 */
const PREPARED_STATEMENT_MARKER = "/* prepared */";

/** Named by the text's hash, so a changed text is a new statement; "" means unnamed (pg). */
const statementName = (sql: string): string =>
  sql.startsWith(PREPARED_STATEMENT_MARKER) ? `oz_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}` : "";

const pools = new WeakMap<Db, pg.Pool>();

/** Prisma 7 runs its query compiler as wasm on top of pg: no native engine, works offline. */
export function createDb({ connectionString, poolSize = 10 }: DbOptions): Db {
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle connection the server closed (a restart) leaves the pool and the next query opens another; without a
  // listener, pg would throw it as an uncaught error before Prisma's first query attaches one of its own.
  pool.on("error", () => {});
  const adapter = new PrismaPg(pool, {
    statementNameGenerator: (query) => statementName(query.sql),
    disposeExternalPool: true,
  });
  const db = new PrismaClient({ adapter });
  pools.set(db, pool);
  return db;
}

/** The pg pool under `db`, for code that streams rows or needs a transaction of its own (the Postgres blob store). */
export function poolOf(db: Db): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("poolOf needs a client made by createDb");
  return pool;
}

/**
 * Runs a raw statement on the pg pool under `db`, without Prisma, for hot reads of many rows: Prisma maps each
 * value of a raw result on its own (~0.3 ms for a page of 20 runs). Rows are as pg parses them: timestamps
 * as Dates, json as values, int8 as strings. Same `/* prepared *\/` convention as Prisma's raw queries.
 */
export async function queryRows<Row>(db: Db, query: Prisma.Sql): Promise<Row[]> {
  const { rows } = await poolOf(db).query({ name: statementName(query.text), text: query.text, values: query.values });
  return rows as Row[];
}
