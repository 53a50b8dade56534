/** One line of a scrape: `name{label="value",…} value`. */
export interface ScrapedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A `/metrics` answer (Prometheus text format), parsed, with look-ups by sample name and labels (a sample matches
 * if it has them all). Written here because the npm parsers tried lose a histogram's labels, sum and count.
 */
export class PrometheusScrape {
  readonly samples: ScrapedSample[];
  /** Metric family names declared by `# TYPE` lines. */
  readonly families: ReadonlySet<string>;

  constructor(readonly text: string) {
    const lines = text.split("\n");
    this.families = new Set(lines.flatMap((line) => /^# TYPE (\S+) /.exec(line)?.[1] ?? []));
    this.samples = lines.flatMap((line) => {
      const match = SAMPLE_LINE.exec(line);
      if (!match) return [];
      const labels = Object.fromEntries(
        [...(match[2] ?? "").matchAll(LABEL_PAIR)].map(([, key, value]) => [key!, JSON.parse(`"${value}"`) as string]),
      );
      return [{ name: match[1]!, labels, value: Number(match[3]) }];
    });
  }

  /** Samples named `name` whose labels include `labels`. */
  matching(name: string, labels: Record<string, string> = {}): ScrapedSample[] {
    return this.samples.filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }

  /** The sum of the matching samples (0 when none): a counter or gauge, or a histogram's `_count` / `_sum`. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  /** How many observations a histogram's matching series hold together. */
  histogramCount(name: string, labels: Record<string, string> = {}): number {
    return this.value(`${name}_count`, labels);
  }

  /** Every label value of every sample: what a test checks for leaked secrets. */
  labelValues(): string[] {
    return this.samples.flatMap((sample) => Object.values(sample.labels));
  }
}
