import pg from "pg";
import type { ColumnShape, DatabaseShape, ForeignKeyShape, IndexShape } from "./shape.ts";

/** Postgres's own type names, in the families from-prisma-schema.ts uses. */
const TYPE_FAMILIES: Record<string, string> = {
  int2: "smallint",
  int4: "int",
  int8: "bigint",
  float4: "real",
  float8: "double",
  bpchar: "char",
};

/** Prisma's words for pg_constraint's referential action codes. */
const ACTIONS: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };

/** The migration runner's own bookkeeping table, which schema.prisma rightly does not know. */
const IGNORED_TABLES = new Set(["schema_migrations"]);

/** A default expression as pg_get_expr prints it, in the words from-prisma-schema.ts uses. */
export function normaliseDefault(expression: string | null): string | null {
  if (expression === null) return null;
  if (/^nextval\(/.test(expression)) return "autoincrement()";
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(expression)) return "now()";
  const literal = /^'((?:[^']|'')*)'(::.+)?$/.exec(expression);
  if (literal) return literal[1]!.replaceAll("''", "'");
  return expression.replace(/::[\w". [\]]+$/, "").replace(/^\((.*)\)$/, "$1");
}

/** Reads the structure of the `public` schema of a database, to compare with schema.prisma. */
export async function shapeFromDatabase(databaseUrl: string): Promise<DatabaseShape> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const shape: DatabaseShape = { tables: {}, enums: {} };
    const table = (name: string) => (shape.tables[name] ??= { columns: {}, indexes: [], foreignKeys: [] });

    const columns = await client.query<{
      table: string;
      column: string;
      not_null: boolean;
      typname: string;
      typtype: string;
      is_list: boolean;
      typmod: number;
      default: string | null;
    }>(`
      SELECT c.relname AS table, a.attname AS column, a.attnotnull AS not_null,
             coalesce(et.typname, t.typname) AS typname, coalesce(et.typtype, t.typtype) AS typtype,
             t.typcategory = 'A' AS is_list, a.atttypmod AS typmod,
             pg_get_expr(d.adbin, d.adrelid) AS default
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
       WHERE c.relkind = 'r'
       ORDER BY c.relname, a.attnum`);
    for (const row of columns.rows) {
      if (IGNORED_TABLES.has(row.table)) continue;
      table(row.table).columns[row.column] = columnShape(row);
    }

    // Only plain b-tree indexes over columns: partial, expression, GIN/GiST indexes cannot be declared in
    // schema.prisma (or are not, by choice) and live in the migrations alone.
    const indexes = await client.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(`
      SELECT t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
             ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k + 1, true)
                          || CASE WHEN ix.indoption[k] & 1 = 1 THEN ' DESC' ELSE '' END
                     FROM generate_series(0, ix.indnkeyatts - 1) AS k ORDER BY k) AS columns
        FROM pg_index ix
        JOIN pg_class i ON i.oid = ix.indexrelid
        JOIN pg_class t ON t.oid = ix.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
        JOIN pg_am am ON am.oid = i.relam
       WHERE am.amname = 'btree' AND ix.indpred IS NULL AND ix.indexprs IS NULL
       ORDER BY t.relname, i.relname`);
    for (const row of indexes.rows) {
      if (IGNORED_TABLES.has(row.table)) continue;
      const index: IndexShape = { columns: row.columns, unique: row.unique, primary: row.primary };
      table(row.table).indexes.push(index);
    }

    const foreignKeys = await client.query<{
      table: string;
      columns: string[];
      references: string;
      referenced_columns: string[];
      on_delete: string;
      on_update: string;
    }>(`
      SELECT c.relname AS table, r.relname AS references,
             ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
             ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
               AS referenced_columns,
             con.confdeltype AS on_delete, con.confupdtype AS on_update
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_class r ON r.oid = con.confrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
       WHERE con.contype = 'f'
       ORDER BY c.relname, con.conname`);
    for (const row of foreignKeys.rows) {
      const key: ForeignKeyShape = {
        columns: row.columns,
        references: row.references,
        referencedColumns: row.referenced_columns,
        onDelete: ACTIONS[row.on_delete] ?? row.on_delete,
        onUpdate: ACTIONS[row.on_update] ?? row.on_update,
      };
      table(row.table).foreignKeys.push(key);
    }

    const enums = await client.query<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
        FROM pg_type t
        JOIN pg_enum e ON e.enumtypid = t.oid
        JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
       GROUP BY t.typname`);
    for (const row of enums.rows) shape.enums[row.name] = row.values;
    return shape;
  } finally {
    await client.end();
  }
}

function columnShape(row: {
  not_null: boolean;
  typname: string;
  typtype: string;
  is_list: boolean;
  typmod: number;
  default: string | null;
}): ColumnShape {
  let type = row.typtype === "e" ? `enum:${row.typname}` : (TYPE_FAMILIES[row.typname] ?? row.typname);
  if ((type === "timestamp" || type === "timestamptz") && row.typmod >= 0) type = `${type}(${row.typmod})`;
  return { type, nullable: !row.not_null, list: row.is_list, default: normaliseDefault(row.default) };
}
