import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "@oz/testing";
import { $Enums, Prisma } from "./generated/prisma/client.ts";
import { migrateUp } from "./migrate.ts";
import { shapeFromDatabase } from "./schema-shape/from-database.ts";
import { shapeFromPrismaSchema } from "./schema-shape/from-prisma-schema.ts";
import { describeDrift, type DatabaseShape } from "./schema-shape/shape.ts";

const SCHEMA_FILE = new URL("../../../prisma/schema.prisma", import.meta.url);
const schemaSource = readFileSync(SCHEMA_FILE, "utf8");

let database: { url: string; drop(): Promise<void> };
let migrated: DatabaseShape;
const declared = shapeFromPrismaSchema(schemaSource);

async function query(sql: string) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await createEmptyDatabase();
  await migrateUp(database.url);
  migrated = await shapeFromDatabase(database.url);
});
afterAll(() => database.drop());

describe("the migrations build exactly the database schema.prisma describes", () => {
  it("applies every migration to a fresh, empty database", () => {
    expect(Object.keys(migrated.tables).sort()).toEqual(Object.keys(declared.tables).sort());
  });

  it("has no table, column, type, nullability, default, index, foreign key or enum value that differs", () => {
    expect(describeDrift(declared, migrated)).toEqual([]);
  });

  it("reads schema.prisma the way the generated Prisma client does", () => {
    // Guards the comparison itself: as many models, scalar fields and enum values as the client has.
    const models = Object.values(Prisma.ModelName);
    const scalarFields = models.flatMap((model) =>
      Object.keys((Prisma as unknown as Record<string, object>)[`${model}ScalarFieldEnum`]!),
    );
    const tables = Object.values(declared.tables);
    expect(tables).toHaveLength(models.length);
    expect(tables.flatMap((t) => Object.keys(t.columns))).toHaveLength(scalarFields.length);
    expect(declared.enums).toEqual(Object.fromEntries(Object.entries($Enums).map(([k, v]) => [k, Object.values(v)])));
  });

  it("migrating an up-to-date database again changes nothing", async () => {
    const before = await query("SELECT count(*)::int AS n FROM schema_migrations");
    await migrateUp(database.url);
    const after = await query("SELECT count(*)::int AS n FROM schema_migrations");
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect(await shapeFromDatabase(database.url)).toEqual(migrated);
  });
});

describe("the comparison notices drift", () => {
  it("a field added to schema.prisma without a migration", () => {
    const edited = schemaSource.replace(/model Team \{\n/, 'model Team {\n  plan String @default("free")\n');
    expect(describeDrift(shapeFromPrismaSchema(edited), migrated)).toEqual([
      "column teams.plan: in schema.prisma, missing from the migrated database",
    ]);
  });

  it("a column, index or changed nullability that only a migration has", async () => {
    const scratch = await createEmptyDatabase();
    try {
      await migrateUp(scratch.url);
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      await client.query("ALTER TABLE teams ADD COLUMN plan text");
      await client.query("ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL");
      await client.query("CREATE INDEX teams_name_idx ON teams (name)");
      await client.end();
      expect(describeDrift(declared, await shapeFromDatabase(scratch.url))).toEqual([
        "column teams.plan: in the migrated database, missing from schema.prisma",
        "teams: index (name): in the migrated database, missing from schema.prisma",
        "column users.password_hash: nullable is true in schema.prisma but false in the migrated database",
      ]);
    } finally {
      await scratch.drop();
    }
  });
});
