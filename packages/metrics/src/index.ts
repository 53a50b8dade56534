export type { Registry } from "prom-client";
export { createRegistry, METRICS_CONTENT_TYPE, type RegistryOptions } from "./registry.ts";
export { definePoolMetrics, type PoolMetrics } from "./pool-metrics.ts";
export {
  createWorkerMetrics,
  defineWorkerMetrics,
  type WorkerMetrics,
  type WorkerMetricSources,
} from "./worker-metrics.ts";
export { createApiMetrics, defineApiMetrics, type ApiMetrics } from "./api-metrics.ts";
export { scrapeTokenMatches } from "./scrape-auth.ts";
export { describeMetrics, type MetricDescription } from "./catalogue.ts";
