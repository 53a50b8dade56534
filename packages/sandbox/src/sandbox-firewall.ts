import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { isIP } from "node:net";
import { BLOCKED_IPV4_RANGES, parseCidr } from "@oz/egress";

const run = promisify(execFile);

export interface SandboxFirewallOptions {
  /** The sandbox network's bridge interface (its name: sandbox-network.ts). */
  bridge: string;
  /** Private destinations sandboxes may reach anyway (OZ_SANDBOX_ALLOWED_CIDRS), on other hosts or this one. */
  allowedCidrs: readonly string[];
  /** The platform's own API (OZ_PUBLIC_URL resolved): reachable at exactly these addresses and port. */
  api?: { addresses: readonly string[]; port: number };
}

/** Why the rules could not be put in place, in words an operator can act on. */
export class SandboxFirewallError extends Error {
  override name = "SandboxFirewallError";
}

/**
 * The host firewall of the sandbox network, in chains of its own (iptables, filter table):
 *
 * - `OZ-FWD-<bridge>`, jumped to from DOCKER-USER for traffic the sandboxes send through the host: allow-listed
 *   ranges and the API pass, private / loopback / link-local / CGNAT destinations are rejected, the rest (public
 *   egress) continues through Docker's own rules.
 * - `OZ-IN-<bridge>`, jumped to from INPUT for traffic the sandboxes send to the host itself (the bridge's gateway
 *   and every other address of the host): only allow-listed ranges and the API port pass.
 * - IPv6: sandboxes get no IPv6 address (the network has none, and each container disables it); anything IPv6
 *   from the bridge is dropped anyway, forwarded or to the host.
 *
 * `install` is idempotent and atomic per chain (iptables-restore --noflush), so it can be re-run at any time; the
 * hooks into DOCKER-USER and INPUT are added once, first in their chain.
 */
export class SandboxFirewall {
  readonly forwardChain: string;
  readonly inputChain: string;

  constructor(private readonly options: SandboxFirewallOptions) {
    this.forwardChain = `OZ-FWD-${options.bridge}`;
    this.inputChain = `OZ-IN-${options.bridge}`;
    for (const cidr of options.allowedCidrs) parseCidr(cidr);
  }

  /** The rules of both chains, as iptables-restore reads them (also what `installed` compares against). */
  rules(): string {
    const { allowedCidrs, api } = this.options;
    const v4Allowed = allowedCidrs.filter((cidr) => parseCidr(cidr).family === "ipv4");
    const apiV4 = (api?.addresses ?? []).filter((address) => isIP(address) === 4);
    const lines = ["*filter", `:${this.forwardChain} - [0:0]`, `:${this.inputChain} - [0:0]`];
    for (const chain of [this.forwardChain, this.inputChain]) {
      for (const cidr of v4Allowed) lines.push(`-A ${chain} -d ${cidr} -j RETURN`);
      for (const address of apiV4) lines.push(`-A ${chain} -d ${address}/32 -p tcp --dport ${api!.port} -j RETURN`);
    }
    for (const range of BLOCKED_IPV4_RANGES) lines.push(`-A ${this.forwardChain} -d ${range} -j REJECT`);
    lines.push(`-A ${this.forwardChain} -j RETURN`);
    lines.push(`-A ${this.inputChain} -j REJECT`);
    lines.push("COMMIT", "");
    return lines.join("\n");
  }

  async install(): Promise<void> {
    const { bridge } = this.options;
    try {
      await iptablesRestore("iptables-restore", this.rules());
      await ensureHook("iptables", "DOCKER-USER", ["-i", bridge, "-j", this.forwardChain]);
      await ensureHook("iptables", "INPUT", ["-i", bridge, "-j", this.inputChain]);
      await ensureHook("ip6tables", "FORWARD", ["-i", bridge, "-j", "DROP"]);
      await ensureHook("ip6tables", "INPUT", ["-i", bridge, "-j", "DROP"]);
    } catch (err) {
      throw new SandboxFirewallError(
        `could not install the sandbox firewall for bridge ${bridge}: ${reasonOf(err)}. The worker needs root (or ` +
          "CAP_NET_ADMIN in the host's network namespace) and iptables; see docs/configuration.md, Sandbox isolation.",
        { cause: err },
      );
    }
  }

  /** Are both hooks in place (someone may have flushed the host's firewall since `install`)? */
  async installed(): Promise<boolean> {
    const { bridge } = this.options;
    const checks = [
      run("iptables", ["-w", "-C", "DOCKER-USER", "-i", bridge, "-j", this.forwardChain]),
      run("iptables", ["-w", "-C", "INPUT", "-i", bridge, "-j", this.inputChain]),
    ];
    return (await Promise.allSettled(checks)).every((check) => check.status === "fulfilled");
  }
}

async function iptablesRestore(command: string, rules: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(command, ["-w", "--noflush"], (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(rules);
  });
}

async function ensureHook(command: string, chain: string, rule: string[]): Promise<void> {
  const present = await run(command, ["-w", "-C", chain, ...rule]).then(
    () => true,
    () => false,
  );
  if (!present) await run(command, ["-w", "-I", chain, "1", ...rule]);
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string; stderr?: string; message?: string };
  if (e.code === "ENOENT") return "iptables is not installed";
  return (e.stderr?.trim() || e.message || String(err)).split("\n")[0]!;
}
