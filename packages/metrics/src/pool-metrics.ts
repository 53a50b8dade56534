import { Counter, Gauge, type Registry } from "prom-client";

/**
 * Warm sandbox pools (one per environment that keeps sandboxes ready). `environment` is the environment's id:
 * one series per pooled environment, never a name a user typed.
 */
export interface PoolMetrics {
  /** Ready sandboxes in the pool now: `set({ environment }, n)` whenever the pool grows or shrinks. */
  sandboxes: Gauge<"environment">;
  /** A run took a ready sandbox from the pool. */
  hits: Counter<"environment">;
  /** A run of a pooled environment found the pool empty and started a sandbox itself. */
  misses: Counter<"environment">;
}

export function definePoolMetrics(registry: Registry): PoolMetrics {
  return {
    sandboxes: new Gauge({
      name: "oz_warm_pool_sandboxes",
      help: "Ready sandboxes waiting in the warm pool, by environment id.",
      labelNames: ["environment"],
      registers: [registry],
    }),
    hits: new Counter({
      name: "oz_warm_pool_hits_total",
      help: "Runs that took a ready sandbox from the warm pool, by environment id.",
      labelNames: ["environment"],
      registers: [registry],
    }),
    misses: new Counter({
      name: "oz_warm_pool_misses_total",
      help: "Runs of a pooled environment that found its warm pool empty and started a sandbox, by environment id.",
      labelNames: ["environment"],
      registers: [registry],
    }),
  };
}
