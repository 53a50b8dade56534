import qs from "qs";

/**
 * The API's query strings: repeated keys become arrays (`state=A&state=B`), bracket notation becomes objects
 * (`metadata[k]=v`), and a parameter with an empty value counts as absent (`creator=`).
 */
export function parseQueryString(query: string): Record<string, unknown> {
  const parsed = qs.parse(query, { depth: 1, arrayLimit: 100, parameterLimit: 200, duplicates: "combine" });
  return dropEmpty(parsed) as Record<string, unknown>;
}

function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== "");
    return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = dropEmpty(v);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return value === "" ? undefined : value;
}
