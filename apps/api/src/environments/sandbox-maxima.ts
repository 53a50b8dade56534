import type { z } from "zod";
import type { SandboxResources } from "@oz/contract";
import { invalid } from "@oz/errors";

/** The operator's maxima for one sandbox (OZ_SANDBOX_MAX_CPUS, _MAX_MEMORY_MB, _MAX_PIDS). */
export interface SandboxMaxima {
  cpus: number;
  memoryMb: number;
  pidsLimit: number;
}

/**
 * Refuses a sandbox larger than the operator allows (400 naming the field and its maximum). `field` prefixes the
 * names: `resources` in an environment body, `environment.resources` for a run's environment.
 */
export function assertWithinSandboxMaxima(
  resources: { cpus?: number | null; memoryMb?: number | null; pidsLimit?: number | null } | null | undefined,
  maxima: SandboxMaxima | undefined,
  field = "resources",
): void {
  if (!resources || !maxima) return;
  const checks: [string, number | null | undefined, number][] = [
    ["cpus", resources.cpus, maxima.cpus],
    ["memory_mb", resources.memoryMb, maxima.memoryMb],
    ["pids_limit", resources.pidsLimit, maxima.pidsLimit],
  ];
  for (const [name, value, max] of checks) {
    if (value !== null && value !== undefined && value > max) {
      throw invalid(`${field}.${name}: ${value} is more than this server's maximum of ${max}`);
    }
  }
}

/** The body's `resources` in the shape the check takes. */
export function requestedResources(resources: z.infer<typeof SandboxResources> | null | undefined) {
  return resources && { cpus: resources.cpus, memoryMb: resources.memory_mb, pidsLimit: resources.pids_limit };
}

/** Refuses a warm pool larger than the operator allows (400 naming `warm_pool.size` and the maximum). */
export function assertWarmPoolWithinMaximum(
  warmPool: { size: number } | null | undefined,
  maximum: number | undefined,
): void {
  if (!warmPool || maximum === undefined || warmPool.size <= maximum) return;
  throw invalid(
    maximum === 0
      ? `warm_pool.size: ${warmPool.size} is more than this server allows: warm pools are turned off (maximum 0)`
      : `warm_pool.size: ${warmPool.size} is more than this server's maximum of ${maximum}`,
  );
}
