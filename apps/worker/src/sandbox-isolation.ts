import { lookup } from "node:dns/promises";
import type { Logger } from "pino";
import { SandboxFirewall, type DockerSandboxProvider } from "@oz/sandbox";

export interface SandboxIsolationConfig {
  /** The sandbox network (and bridge) name. */
  network: string;
  firewall: "enforce" | "off";
  allowedCidrs: readonly string[];
  /** OZ_PUBLIC_URL: sandboxes may reach exactly this (its addresses and port). */
  publicUrl: string;
}

export interface SandboxIsolation {
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
  sandboxes: Pick<DockerSandboxProvider, "ensureNetwork">,
  config: SandboxIsolationConfig,
  log: Pick<Logger, "warn" | "info">,
): Promise<SandboxIsolation> {
  await sandboxes.ensureNetwork();
  if (config.firewall === "off") {
    log.warn(
      { network: config.network },
      "OZ_SANDBOX_FIREWALL=off: sandboxes can reach the Docker host and private networks unless the host's own firewall stops them",
    );
    return { stop: () => {} };
  }
  const firewall = new SandboxFirewall({
    bridge: config.network,
    allowedCidrs: config.allowedCidrs,
    api: await apiDestination(config.publicUrl),
  });
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
  return { stop: () => clearInterval(timer) };
}

/** OZ_PUBLIC_URL's addresses and port; nothing when it is loopback (a sandbox cannot reach the host's loopback). */
async function apiDestination(publicUrl: string): Promise<{ addresses: string[]; port: number } | undefined> {
  const url = new URL(publicUrl);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = await lookup(host, { all: true }).then(
    (found) => found.map((a) => a.address),
    () => [] as string[],
  );
  const reachable = addresses.filter((a) => !a.startsWith("127.") && a !== "::1");
  return reachable.length > 0 ? { addresses: reachable, port } : undefined;
}
