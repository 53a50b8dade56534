/**
 * One description of a database's structure, built from two sides — schema.prisma and a migrated database —
 * so they can be compared (the migrations are hand-written SQL, see prisma/schema.prisma's header).
 */

export interface ColumnShape {
  /** Postgres type family: text, int, bigint, bool, timestamptz(3), jsonb, bytea, uuid, double, enum:<Name>, … */
  type: string;
  nullable: boolean;
  list: boolean;
  /** The column default, normalised (`now()`, `false`, `QUEUED`, `{}`, `autoincrement()`); null when none. */
  default: string | null;
}

export interface IndexShape {
  /** Key columns in order, `column DESC` for descending ones. */
  columns: string[];
  unique: boolean;
  primary: boolean;
}

export interface ForeignKeyShape {
  columns: string[];
  references: string;
  referencedColumns: string[];
  /** Referential actions in Prisma's words: Cascade, Restrict, NoAction, SetNull, SetDefault. */
  onDelete: string;
  onUpdate: string;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
  /** Plain b-tree indexes over columns: the ones schema.prisma can declare (see from-database.ts). */
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface DatabaseShape {
  tables: Record<string, TableShape>;
  /** Enum type name → its values in order. */
  enums: Record<string, string[]>;
}

const indexKey = (i: IndexShape) =>
  `${i.primary ? "primary key" : i.unique ? "unique index" : "index"} (${i.columns.join(", ")})`;
const foreignKeyKey = (f: ForeignKeyShape) =>
  `foreign key (${f.columns.join(", ")}) → ${f.references} (${f.referencedColumns.join(", ")}) ` +
  `onDelete ${f.onDelete} onUpdate ${f.onUpdate}`;

function onlyIn<T>(a: Iterable<T>, b: Iterable<T>): T[] {
  const other = new Set(b);
  return [...a].filter((x) => !other.has(x));
}

/** Every difference between what schema.prisma declares and what the database has, one readable line each. */
export function describeDrift(schema: DatabaseShape, database: DatabaseShape): string[] {
  const drift: string[] = [];
  const sides = (what: string, inSchema: string[], inDatabase: string[]) => {
    for (const x of inSchema) drift.push(`${what} ${x}: in schema.prisma, missing from the migrated database`);
    for (const x of inDatabase) drift.push(`${what} ${x}: in the migrated database, missing from schema.prisma`);
  };

  const schemaTables = Object.keys(schema.tables);
  const databaseTables = Object.keys(database.tables);
  sides("table", onlyIn(schemaTables, databaseTables), onlyIn(databaseTables, schemaTables));

  for (const name of schemaTables.filter((t) => database.tables[t])) {
    const expected = schema.tables[name]!;
    const actual = database.tables[name]!;
    const expectedColumns = Object.keys(expected.columns);
    const actualColumns = Object.keys(actual.columns);
    sides(
      "column",
      onlyIn(expectedColumns, actualColumns).map((c) => `${name}.${c}`),
      onlyIn(actualColumns, expectedColumns).map((c) => `${name}.${c}`),
    );
    for (const column of expectedColumns.filter((c) => actual.columns[c])) {
      const want = expected.columns[column]!;
      const have = actual.columns[column]!;
      for (const property of ["type", "nullable", "list", "default"] as const) {
        if (want[property] !== have[property]) {
          drift.push(
            `column ${name}.${column}: ${property} is ${JSON.stringify(want[property])} in schema.prisma ` +
              `but ${JSON.stringify(have[property])} in the migrated database`,
          );
        }
      }
    }
    const expectedIndexes = expected.indexes.map(indexKey);
    const actualIndexes = actual.indexes.map(indexKey);
    sides(`${name}:`, onlyIn(expectedIndexes, actualIndexes), onlyIn(actualIndexes, expectedIndexes));
    const expectedKeys = expected.foreignKeys.map(foreignKeyKey);
    const actualKeys = actual.foreignKeys.map(foreignKeyKey);
    sides(`${name}:`, onlyIn(expectedKeys, actualKeys), onlyIn(actualKeys, expectedKeys));
  }

  const schemaEnums = Object.keys(schema.enums);
  const databaseEnums = Object.keys(database.enums);
  sides("enum", onlyIn(schemaEnums, databaseEnums), onlyIn(databaseEnums, schemaEnums));
  for (const name of schemaEnums.filter((e) => database.enums[e])) {
    const want = schema.enums[name]!.join(", ");
    const have = database.enums[name]!.join(", ");
    if (want !== have) drift.push(`enum ${name}: [${want}] in schema.prisma but [${have}] in the migrated database`);
  }
  return drift;
}
