export interface Column<T> {
  header: string;
  value: (row: T) => string | undefined;
  /** Longer cells are cut with an ellipsis (titles, descriptions). */
  maxWidth?: number;
}

/** A plain aligned table: a header line, then one line per row, two spaces between columns. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], style: (h: string) => string) {
  const cells = rows.map((row) => columns.map((c) => clip(oneLine(c.value(row) ?? ""), c.maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const header = style(line(columns.map((c) => c.header)));
  return [header, ...cells.map(line)].join("\n");
}

/** `label  value` lines for one record; empty values are left out. */
export function renderFields(fields: readonly (readonly [string, string | undefined])[], style: (h: string) => string) {
  const shown = fields.filter(([, v]) => v !== undefined && v !== "");
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${style(label.padEnd(width))}  ${value}`).join("\n");
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ");

function clip(text: string, max: number | undefined) {
  return max && text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
