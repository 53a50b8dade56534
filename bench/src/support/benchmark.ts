/** What every benchmark reports: its figures, the ratio against its baseline and whether it meets its target. */
export interface BenchResult {
  /** The target the benchmark must meet. */
  target: string;
  /** The figure the verdict is on (a ratio, or an absolute figure where the target is one). */
  measured: string;
  pass: boolean;
  /** Every figure behind the verdict, one line each (subject, baseline, rounds). */
  details: string[];
}

export interface Benchmark {
  name: string;
  /** The part of the platform it measures, for the results table. */
  area: "api" | "execution" | "harness" | "cli";
  /** A hard bound: the runner gives up (and cleans up) after this long. */
  budgetMs: number;
  run(log: (line: string) => void): Promise<BenchResult>;
}
