import {
  getSchema,
  type Attribute,
  type BlockAttribute,
  type Enum,
  type Field,
  type KeyValue,
  type Model,
  type Value,
} from "@mrleebo/prisma-ast";
import type { ColumnShape, DatabaseShape, ForeignKeyShape, IndexShape, TableShape } from "./shape.ts";

/** Postgres types Prisma gives each scalar when the field has no `@db.*` attribute. */
const DEFAULT_TYPES: Record<string, string> = {
  String: "text",
  Int: "int",
  BigInt: "bigint",
  Boolean: "bool",
  DateTime: "timestamp",
  Float: "double",
  Decimal: "numeric",
  Json: "jsonb",
  Bytes: "bytea",
};

/** `@db.<Name>` native types, named as from-database.ts names Postgres's. */
const NATIVE_TYPES: Record<string, string> = {
  Text: "text",
  VarChar: "varchar",
  Char: "char",
  Uuid: "uuid",
  Integer: "int",
  SmallInt: "smallint",
  BigInt: "bigint",
  DoublePrecision: "double",
  Real: "real",
  Decimal: "numeric",
  Boolean: "bool",
  Timestamptz: "timestamptz",
  Timestamp: "timestamp",
  Date: "date",
  Time: "time",
  Timetz: "timetz",
  Json: "json",
  JsonB: "jsonb",
  ByteA: "bytea",
  Inet: "inet",
  Xml: "xml",
};

/** `@default(...)` functions Prisma evaluates itself: no column default in the database. */
const CLIENT_SIDE_DEFAULTS = new Set(["uuid", "cuid", "nanoid", "ulid"]);

/** A quoted Prisma string literal (`"agent_limit"`) without its quotes. */
const unquote = (v: string) => (/^".*"$/.test(v) ? (JSON.parse(v) as string) : v);

function attribute(attrs: Attribute[] | BlockAttribute[] | undefined, name: string, group?: string) {
  return attrs?.find((a) => a.name === name && a.group === group);
}

const isKeyValue = (v: unknown): v is KeyValue =>
  typeof v === "object" && v !== null && (v as { type?: unknown }).type === "keyValue";

/** The first positional argument, or the keyed one (`fields: [...]`). */
function argument(attr: Attribute | BlockAttribute | undefined, key?: string): Value | undefined {
  for (const { value } of attr?.args ?? []) {
    if (key === undefined && !isKeyValue(value)) return value;
    if (key !== undefined && isKeyValue(value) && value.key === key) return value.value;
  }
  return undefined;
}

function mappedName(attrs: Attribute[] | BlockAttribute[] | undefined, fallback: string): string {
  const map = argument(attribute(attrs, "map"));
  return typeof map === "string" ? unquote(map) : fallback;
}

function columnDefault(field: Field): string | null {
  if (!attribute(field.attributes, "default")) return null;
  const value = argument(attribute(field.attributes, "default"));
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    if (value.type === "function") {
      if (CLIENT_SIDE_DEFAULTS.has(value.name)) return null;
      if (value.name === "dbgenerated") return unquote(String(value.params?.[0] ?? ""));
      return `${value.name}()`;
    }
    if (value.type === "array") return `{${(value.args ?? []).map((v) => unquote(String(v))).join(",")}}`;
  }
  return unquote(String(value));
}

interface ModelInfo {
  table: string;
  fields: Field[];
  columnOf: (field: string) => string;
}

/**
 * Reads schema.prisma (parsed by @mrleebo/prisma-ast, a public parser of the schema language) into the
 * shape Prisma's own migrations would create for it on PostgreSQL.
 */
export function shapeFromPrismaSchema(source: string): DatabaseShape {
  const blocks = getSchema(source).list;
  const enums = blocks.filter((b): b is Enum => b.type === "enum");
  const models = blocks.filter((b): b is Model => b.type === "model");

  const enumTypes = new Map<string, string>();
  const shape: DatabaseShape = { tables: {}, enums: {} };
  for (const e of enums) {
    const type = mappedName(e.enumerators.filter((x) => x.type === "attribute") as BlockAttribute[], e.name);
    enumTypes.set(e.name, type);
    shape.enums[type] = e.enumerators.flatMap((x) =>
      x.type === "enumerator" ? [mappedName(x.attributes, x.name)] : [],
    );
  }

  const info = new Map<string, ModelInfo>();
  for (const model of models) {
    const fields = model.properties.filter((p): p is Field => p.type === "field");
    const blockAttrs = model.properties.filter((p): p is BlockAttribute => p.type === "attribute");
    const columns = new Map(fields.map((f) => [f.name, mappedName(f.attributes, f.name)]));
    info.set(model.name, {
      table: mappedName(blockAttrs, model.name),
      fields,
      columnOf: (field) => columns.get(field) ?? field,
    });
  }

  for (const model of models) {
    const { table, fields, columnOf } = info.get(model.name)!;
    const blockAttrs = model.properties.filter((p): p is BlockAttribute => p.type === "attribute");
    const result: TableShape = { columns: {}, indexes: [], foreignKeys: [] };

    for (const field of fields) {
      const fieldType = String(field.fieldType);
      const related = info.get(fieldType);
      if (related) {
        const relation = attribute(field.attributes, "relation");
        const keys = argument(relation, "fields");
        if (keys && typeof keys === "object" && !Array.isArray(keys) && keys.type === "array") {
          result.foreignKeys.push(foreignKey(relation!, keys.args.map(String), columnOf, related, fields));
        }
        continue;
      }
      result.columns[columnOf(field.name)] = column(field, fieldType, enumTypes);
      if (attribute(field.attributes, "id")) result.indexes.push(index([columnOf(field.name)], true, true));
      if (attribute(field.attributes, "unique")) result.indexes.push(index([columnOf(field.name)], true, false));
    }

    for (const attr of blockAttrs) {
      if (!["id", "unique", "index"].includes(attr.name)) continue;
      const method = argument(attr, "type");
      if (method !== undefined && method !== "BTree") continue; // see from-database.ts: b-tree only
      const list = argument(attr) ?? argument(attr, "fields");
      if (!list || typeof list !== "object" || Array.isArray(list) || list.type !== "array") continue;
      const keyColumns = list.args.map((entry) => indexColumn(entry, columnOf));
      result.indexes.push(index(keyColumns, attr.name !== "index", attr.name === "id"));
    }
    shape.tables[table] = result;
  }
  return shape;
}

function column(field: Field, fieldType: string, enumTypes: Map<string, string>): ColumnShape {
  const native = field.attributes?.find((a) => a.group === "db");
  let type: string;
  if (enumTypes.has(fieldType)) type = `enum:${enumTypes.get(fieldType)}`;
  else if (native) type = NATIVE_TYPES[native.name] ?? native.name.toLowerCase();
  else type = DEFAULT_TYPES[fieldType] ?? fieldType;
  if (type === "timestamp" || type === "timestamptz") {
    // Prisma's DateTime is timestamp(3); `@db.Timestamptz` without a precision is Postgres's default.
    const precision = native ? argument(native) : 3;
    if (precision !== undefined) type = `${type}(${String(precision)})`;
  }
  return {
    type,
    nullable: Boolean(field.optional),
    list: Boolean(field.array),
    default: attribute(field.attributes, "updatedAt") ? null : columnDefault(field),
  };
}

function indexColumn(entry: Value, columnOf: (field: string) => string): string {
  if (typeof entry === "object" && entry !== null && !Array.isArray(entry) && entry.type === "function") {
    const sort: unknown = entry.params?.find((p) => isKeyValue(p) && p.key === "sort");
    const desc = isKeyValue(sort) && sort.value === "Desc";
    return `${columnOf(entry.name)}${desc ? " DESC" : ""}`;
  }
  return columnOf(String(entry));
}

const index = (columns: string[], unique: boolean, primary: boolean): IndexShape => ({ columns, unique, primary });

function foreignKey(
  relation: Attribute | BlockAttribute,
  fieldNames: string[],
  columnOf: (field: string) => string,
  related: ModelInfo,
  fields: Field[],
): ForeignKeyShape {
  const references = argument(relation, "references");
  const referenced =
    references && typeof references === "object" && !Array.isArray(references) && "args" in references
      ? (references.args ?? []).map(String)
      : [];
  // Prisma's defaults: SetNull when the relation is optional, Restrict when required; updates cascade.
  const optional = fieldNames.some((name) => fields.find((f) => f.name === name)?.optional);
  const onDelete = argument(relation, "onDelete");
  const onUpdate = argument(relation, "onUpdate");
  return {
    columns: fieldNames.map(columnOf),
    references: related.table,
    referencedColumns: referenced.map(related.columnOf),
    onDelete: typeof onDelete === "string" ? onDelete : optional ? "SetNull" : "Restrict",
    onUpdate: typeof onUpdate === "string" ? onUpdate : "Cascade",
  };
}
