import type { WorkerMetrics } from "@oz/metrics";
import { SandboxError, type Sandbox, type SandboxProvider, type SandboxSpec } from "@oz/sandbox";

/**
 * A sandbox provider whose starts are timed (`oz_sandbox_start_seconds`) and whose failed starts are counted by
 * the sandbox error's code (`oz_sandbox_start_failures_total`); everything else passes through.
 */
export function timeSandboxStarts(
  provider: SandboxProvider,
  metrics: Pick<WorkerMetrics, "sandboxStart" | "sandboxStartFailures">,
): SandboxProvider {
  const create = async (spec: SandboxSpec): Promise<Sandbox> => {
    const startedAt = performance.now();
    try {
      const sandbox = await provider.create(spec);
      metrics.sandboxStart.observe((performance.now() - startedAt) / 1000);
      return sandbox;
    } catch (err) {
      metrics.sandboxStartFailures.inc({ reason: err instanceof SandboxError ? err.code : "other" });
      throw err;
    }
  };
  // Every other method passes through as it is, including ones the port gains later.
  return new Proxy(provider, {
    get(target, property) {
      if (property === "create") return create;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
