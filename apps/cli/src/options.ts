import { InvalidArgumentError } from "commander";
import { CliError } from "./errors.ts";

/** For repeatable options: `--repo a --repo b` → `["a", "b"]`. */
export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `key=value` pairs (`--metadata`); a pair without `=` is a mistake worth naming. */
export function parseKeyValues(pairs: string[], flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`${flag} ${pair}: expected key=value`);
    result[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return result;
}

/** A positive whole number (`--limit`), as an option parser. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive whole number");
  return n;
}
