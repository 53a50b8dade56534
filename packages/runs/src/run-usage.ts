type Usage = Record<string, unknown>;

/**
 * A run's usage over its executions (a follow-up starts another one): numbers add up, nested breakdowns add up
 * member by member, anything else is the latest execution's. The first execution has nothing to add to.
 */
export function addUpUsage(previous: unknown, current: Usage): Usage {
  if (!isUsage(previous)) return current;
  const total: Usage = { ...previous };
  for (const [key, value] of Object.entries(current)) {
    const before = total[key];
    if (typeof value === "number" && typeof before === "number") total[key] = roundSum(before + value);
    else if (isUsage(value) && isUsage(before)) total[key] = addUpUsage(before, value);
    else if (value !== undefined) total[key] = value;
  }
  return total;
}

const isUsage = (value: unknown): value is Usage =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Costs are fractions of a cent: keep sums free of floating-point dust. */
const roundSum = (n: number) => Math.round(n * 1e9) / 1e9;
