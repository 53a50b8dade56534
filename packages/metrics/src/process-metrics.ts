import { collectDefaultMetrics, Registry } from "prom-client";

/** How old the process figures in a scrape may be. */
const READ_INTERVAL_MS = 1_000;
/** Reading stops when nobody has scraped for this long, and starts again with the next scrape. */
const IDLE_AFTER_MS = 5 * 60_000;

/**
 * prom-client's process and Node.js metrics (CPU, memory, heap, event-loop lag, GC, handles) on a registry of
 * their own, read in the background once a second for as long as someone scrapes. Reading them (files in
 * /proc, the event-loop delay histogram) takes about half a millisecond, several times what the platform's own
 * metrics take, so a scrape copies the last reading instead of waiting for one (bench/README.md, "scrape").
 */
export class ProcessMetrics {
  readonly #registry = new Registry();
  #text: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastScrape = 0;

  constructor(labels?: Record<string, string>) {
    if (labels) this.#registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.#registry });
  }

  /** The metrics themselves (their names, types, help and labels). */
  getMetricsAsArray() {
    return this.#registry.getMetricsAsArray();
  }

  /** The latest reading: taken now on the first scrape and after an idle spell, else at most a second old. */
  async text(): Promise<string> {
    this.#lastScrape = Date.now();
    if (this.#timer && this.#text !== undefined) return this.#text;
    const text = await this.#registry.metrics();
    this.#text = text;
    this.#timer ??= setInterval(() => this.#readInBackground(), READ_INTERVAL_MS).unref();
    return text;
  }

  #readInBackground() {
    if (Date.now() - this.#lastScrape > IDLE_AFTER_MS) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    // A failed reading keeps the previous one; prom-client's collectors read local figures and files only.
    this.#registry.metrics().then(
      (text) => (this.#text = text),
      () => {},
    );
  }
}
