import type { Registry } from "prom-client";
import { exportedMetrics } from "./registry.ts";

/** One metric a registry exports, as a scrape declares it. */
export interface MetricDescription {
  name: string;
  type: string;
  help: string;
  /** Its own label names (not the registry's default labels, nor a histogram's `le`). */
  labels: string[];
}

/**
 * What a registry exports: name, type, help and label names of each metric, whether or not it has been observed
 * yet (a labelled metric nobody recorded has no samples in a scrape to read its labels from). The dashboard and
 * docs tests hold docs/ to it.
 */
export function describeMetrics(registry: Registry): MetricDescription[] {
  return exportedMetrics(registry).map((metric) => ({
    name: metric.name,
    type: String(metric.type),
    help: metric.help,
    // prom-client keeps each metric's label names on it; its typings only declare them on the constructor options.
    labels: [...((metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [])],
  }));
}
