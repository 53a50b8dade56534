/**
 * A program that only makes the Prisma client, runs one query and idles: idle-rss's floor of data access
 * (Prisma 7's query compiler is wasm, compiled on the first query). Started as our programs are.
 */
import { createDb } from "@oz/db";

const db = createDb({ connectionString: process.env.DATABASE_URL! });
await db.$queryRaw`SELECT 1`;
setInterval(() => {}, 60_000);
