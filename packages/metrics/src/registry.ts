import { Registry } from "prom-client";
import { ProcessMetrics } from "./process-metrics.ts";

/** The Content-Type of a scrape (Prometheus text exposition format 0.0.4). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export interface RegistryOptions {
  /** Adds prom-client's process and Node.js metrics (CPU, memory, event-loop lag, GC, handles). Default true. */
  defaultMetrics?: boolean;
  /** Labels put on every series of this registry, e.g. `{ process: "worker" }`. */
  labels?: Record<string, string>;
}

/**
 * The platform's metrics, read at each scrape, followed by the process's own from their latest background
 * reading (see ProcessMetrics). `metrics()` is the whole scrape; `exportedMetrics()` lists what it holds.
 */
class PlatformRegistry extends Registry {
  readonly #process: ProcessMetrics | undefined;

  constructor(process: ProcessMetrics | undefined) {
    super();
    this.#process = process;
  }

  /** The process's metrics, which `getMetricsAsArray()` (the platform's) leaves out. */
  processMetrics() {
    return this.#process?.getMetricsAsArray() ?? [];
  }

  override async metrics(): Promise<string> {
    const [own, process] = await Promise.all([super.metrics(), this.#process?.text()]);
    return process === undefined ? own : `${own.trimEnd()}\n\n${process}`;
  }
}

/** Every metric a scrape of `registry` exports, the process's included. */
export function exportedMetrics(registry: Registry) {
  const own = registry.getMetricsAsArray();
  return registry instanceof PlatformRegistry ? [...own, ...registry.processMetrics()] : own;
}

/**
 * A fresh registry for one process (or one test's app): nothing is registered globally, so several APIs or
 * workers in one test process never collide on a metric name.
 */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const registry = new PlatformRegistry(
    (options.defaultMetrics ?? true) ? new ProcessMetrics(options.labels) : undefined,
  );
  if (options.labels) registry.setDefaultLabels(options.labels);
  return registry;
}
