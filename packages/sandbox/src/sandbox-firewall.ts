import { execFile } from "node:child_process";
import { isIP } from "node:net";
import { BLOCKED_IPV4_RANGES, parseCidr } from "@oz/egress";

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
 * hooks into DOCKER-USER and INPUT are added once, first in their chain. The rules must live where the engine's
 * bridge is: the runner executes the scripts on the worker's host or, for a remote engine, on the engine's.
 */
export class SandboxFirewall {
  readonly forwardChain: string;
  readonly inputChain: string;

  constructor(
    private readonly options: SandboxFirewallOptions,
    private readonly runner: FirewallRunner = localFirewallRunner,
  ) {
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

  /** The shell script that installs the chains and their hooks (idempotent). */
  installScript(): string {
    const { bridge } = this.options;
    return [
      "set -e",
      `iptables-restore -w --noflush <<'OZ_RULES'\n${this.rules()}OZ_RULES`,
      ensureHook("iptables", "DOCKER-USER", ["-i", bridge, "-j", this.forwardChain]),
      ensureHook("iptables", "INPUT", ["-i", bridge, "-j", this.inputChain]),
      ensureHook("ip6tables", "FORWARD", ["-i", bridge, "-j", "DROP"]),
      ensureHook("ip6tables", "INPUT", ["-i", bridge, "-j", "DROP"]),
      "",
    ].join("\n");
  }

  async install(): Promise<void> {
    const { bridge } = this.options;
    try {
      await this.runner.run(this.installScript());
    } catch (err) {
      throw new SandboxFirewallError(
        `could not install the sandbox firewall for bridge ${bridge} ${this.runner.where}: ${reasonOf(err)}. ` +
          "Installing it needs root (or CAP_NET_ADMIN in the engine host's network namespace) and iptables; see " +
          "docs/configuration.md, Sandbox isolation.",
        { cause: err },
      );
    }
  }

  /** Are both hooks in place (someone may have flushed the host's firewall since `install`)? */
  async installed(): Promise<boolean> {
    const { bridge } = this.options;
    const script = [
      `iptables -w -C DOCKER-USER -i ${bridge} -j ${this.forwardChain}`,
      `iptables -w -C INPUT -i ${bridge} -j ${this.inputChain}`,
    ].join(" && ");
    return this.runner.run(script).then(
      () => true,
      () => false,
    );
  }
}

/**
 * Runs a firewall shell script in the network namespace of the Docker engine's host: here (`localFirewallRunner`)
 * or, for a remote engine, in a helper container on it (firewall-helper.ts). Rejects with the script's stderr.
 */
export interface FirewallRunner {
  /** Where the rules go, for messages: e.g. "on this host". */
  readonly where: string;
  run(script: string): Promise<void>;
}

export const localFirewallRunner: FirewallRunner = {
  where: "on this host",
  run: (script) =>
    new Promise<void>((resolve, reject) => {
      execFile("sh", ["-c", script], (err, _stdout, stderr) =>
        err ? reject(Object.assign(err, { stderr })) : resolve(),
      );
    }),
};

/** Adds `rule` first in `chain` unless it is there already. */
function ensureHook(command: string, chain: string, rule: string[]): string {
  const spec = rule.join(" ");
  return `${command} -w -C ${chain} ${spec} 2>/dev/null || ${command} -w -I ${chain} 1 ${spec}`;
}

function reasonOf(err: unknown): string {
  const e = err as { code?: string | number; stderr?: string; message?: string };
  const stderr = e.stderr?.trim() ?? "";
  if (/iptables(-restore)?: (command )?not found/.test(stderr)) return "iptables is not installed";
  return (stderr || e.message || String(err)).split("\n")[0]!;
}
