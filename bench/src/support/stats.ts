/** Order statistics of a sample (nearest-rank), for latencies in milliseconds. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;

/** `p50 12.3 ms · p99 45.6 ms (n=200)` */
export function describeLatencies(values: readonly number[]): string {
  return `p50 ${ms(median(values))} · p90 ${ms(percentile(values, 90))} · p99 ${ms(percentile(values, 99))} (n=${values.length})`;
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

export const ratio = (value: number) => value.toFixed(2);
