import { ensureDatabaseExists } from "./ensure-database.ts";
import { migrateUp } from "./migrate.ts";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/oz";
await ensureDatabaseExists(url);
await migrateUp(url, { log: (m) => console.log(m) });
console.log("migrations applied");
