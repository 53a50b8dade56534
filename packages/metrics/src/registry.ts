import { collectDefaultMetrics, Registry } from "prom-client";

/** The Content-Type of a scrape (Prometheus text exposition format 0.0.4). */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export interface RegistryOptions {
  /** Adds prom-client's process and Node.js metrics (CPU, memory, event-loop lag, GC, handles). Default true. */
  defaultMetrics?: boolean;
  /** Labels put on every series of this registry, e.g. `{ process: "worker" }`. */
  labels?: Record<string, string>;
}

/**
 * A fresh registry for one process (or one test's app): nothing is registered globally, so several APIs or
 * workers in one test process never collide on a metric name.
 */
export function createRegistry(options: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
