import { migrateUp } from "./migrate.ts";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/oz";
await migrateUp(url, (m) => console.log(m));
console.log("migrations applied");
