import type { Logger } from "pino";
import { SandboxFirewall, type DockerSandboxProvider, type FirewallRunner } from "@oz/sandbox";
import { sandboxApiRoute } from "./sandbox-api-route.ts";

export interface SandboxIsolationConfig {
  /** The sandbox network (and bridge) name. */
  network: string;
  firewall: "enforce" | "off";
  allowedCidrs: readonly string[];
  /** OZ_PUBLIC_URL: sandboxes may reach exactly the API there (or on the network's gateway: sandbox-api-route.ts). */
  publicUrl: string;
  /** Where the firewall's rules are installed: this host (default) or a remote engine's (OZ_SANDBOX_FIREWALL_VIA). */
  firewallRunner?: FirewallRunner;
}

export interface SandboxIsolation {
  /** The API's base URL as sandboxes reach it (`$OZ_API_BASE_URL` in each); absent when they cannot. */
  apiUrl: string | undefined;
  /** Stops re-checking the firewall. */
  stop(): void;
}

/** How often the worker checks that nobody removed the firewall's hooks (e.g. a firewall reload on the host). */
const RECHECK_MS = 60_000;

/**
 * Puts the host's sandbox isolation in place before the worker takes a run (ARCHITECTURE.md "Sandbox network"):
 * the sandbox network, then the firewall; throws when the firewall cannot be installed, so the worker refuses to
 * start rather than run sandboxes that can reach other tenants. `OZ_SANDBOX_FIREWALL=off` skips the firewall
 * (with a warning) for operators who install equivalent rules themselves.
 */
export async function setUpSandboxIsolation(
  sandboxes: Pick<DockerSandboxProvider, "ensureNetwork" | "networkGateway">,
  config: SandboxIsolationConfig,
  log: Pick<Logger, "warn" | "info">,
): Promise<SandboxIsolation> {
  await sandboxes.ensureNetwork();
  const api = await sandboxApiRoute(config.publicUrl, () => sandboxes.networkGateway());
  if (!api) log.warn({ publicUrl: config.publicUrl }, "sandboxes cannot reach the API at OZ_PUBLIC_URL");
  if (config.firewall === "off") {
    log.warn(
      { network: config.network },
      "OZ_SANDBOX_FIREWALL=off: sandboxes can reach the Docker host and private networks unless the host's own firewall stops them",
    );
    return { apiUrl: api?.url, stop: () => {} };
  }
  const firewall = new SandboxFirewall(
    { bridge: config.network, allowedCidrs: config.allowedCidrs, ...(api && { api: api.destination }) },
    config.firewallRunner,
  );
  await firewall.install();
  log.info({ network: config.network, allowed: config.allowedCidrs }, "sandbox firewall installed");
  const timer = setInterval(() => {
    void (async () => {
      if (await firewall.installed()) return;
      log.warn({ network: config.network }, "the sandbox firewall's hooks were gone; installing them again");
      await firewall.install();
    })().catch((err: unknown) => log.warn({ err }, "could not re-install the sandbox firewall"));
  }, RECHECK_MS);
  timer.unref();
  return { apiUrl: api?.url, stop: () => clearInterval(timer) };
}
