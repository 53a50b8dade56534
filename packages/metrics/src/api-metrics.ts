import { Gauge, Histogram, type Registry } from "prom-client";
import { REQUEST_BUCKETS } from "./buckets.ts";
import { createRegistry, type RegistryOptions } from "./registry.ts";

/**
 * What an API process records. Run and queue figures are read from PostgreSQL and Redis in the background and
 * only copied here, so a scrape never waits on a query.
 */
export interface ApiMetrics {
  registry: Registry;
  /** Request latency by route pattern (`/api/v1/agent/runs/:runId`, never the raw URL), method and status. */
  httpRequests: Histogram<"method" | "route" | "status_code">;
  /** Open live transcript streams (SSE). */
  eventStreamClients: Gauge;
  /** Runs not yet ended, by state and harness. */
  runs: Gauge<"state" | "harness">;
  /** BullMQ jobs per run queue, by job status (waiting, prioritized, delayed, active). */
  queueJobs: Gauge<"queue" | "status">;
  /** Age of the oldest job a worker could claim now, per run queue (0 when none waits). */
  queueOldestJobAge: Gauge<"queue">;
}

export function defineApiMetrics(registry: Registry): ApiMetrics {
  return {
    registry,
    httpRequests: new Histogram({
      name: "oz_http_request_duration_seconds",
      help: "API request latency, by method, route pattern and status code.",
      labelNames: ["method", "route", "status_code"],
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
    eventStreamClients: new Gauge({
      name: "oz_run_event_stream_clients",
      help: "Open live transcript streams (server-sent events) on this API process.",
      registers: [registry],
    }),
    runs: new Gauge({
      name: "oz_runs",
      help: "Runs not yet ended, by state and harness (refreshed in the background).",
      labelNames: ["state", "harness"],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: "oz_run_queue_jobs",
      help: "Jobs in each run queue, by status (refreshed in the background).",
      labelNames: ["queue", "status"],
      registers: [registry],
    }),
    queueOldestJobAge: new Gauge({
      name: "oz_run_queue_oldest_job_age_seconds",
      help: "Age of the oldest job waiting to be claimed in each run queue; 0 when none waits (refreshed in the background).",
      labelNames: ["queue"],
      registers: [registry],
    }),
  };
}

/** An API's registry (process metrics included) with every API metric defined on it. */
export function createApiMetrics(options: RegistryOptions = {}): ApiMetrics {
  return defineApiMetrics(createRegistry(options));
}
