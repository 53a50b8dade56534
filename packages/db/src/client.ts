import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;

export interface DbOptions {
  connectionString: string;
  /** Connections in the pg pool behind Prisma. */
  poolSize?: number;
}

/** Prisma 7 runs its query compiler as wasm on top of pg: no native engine, works offline. */
export function createDb({ connectionString, poolSize = 10 }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString, max: poolSize, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}
