import { BlockList, isIP } from "node:net";

/**
 * Destinations no run may reach unless the operator allow-lists them (OZ_SANDBOX_ALLOWED_CIDRS): the machine
 * itself, private networks (other tenants' sandboxes, the platform's own services, an internal network), link-local
 * (cloud metadata at 169.254.169.254) and carrier-grade NAT. The sandbox firewall and the SSRF guard both use it.
 */
export const BLOCKED_IPV4_RANGES = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
] as const;

export const BLOCKED_IPV6_RANGES = ["::/128", "::1/128", "fc00::/7", "fe80::/10"] as const;

/** An IPv4 address written inside an IPv6 one (`::ffff:10.0.0.1`, NAT64 `64:ff9b::a00:1`) is judged as IPv4. */
const EMBEDDED_IPV4_PREFIXES = [/^::ffff:/i, /^64:ff9b::/i];

export class InvalidCidrError extends Error {
  override name = "InvalidCidrError";
}

/** `a.b.c.d/n` or `x::y/n` (a bare address means /32 or /128), validated. */
export function parseCidr(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [address = "", prefixText, extra] = text.trim().split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) throw new InvalidCidrError(`"${text}" is not an address or CIDR range`);
  const family = version === 4 ? "ipv4" : "ipv6";
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || !/^\d+$/.test(prefixText ?? `${max}`)) {
    throw new InvalidCidrError(`"${text}" has an invalid prefix length (0-${max})`);
  }
  return { address, prefix, family };
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const { address, prefix, family } = parseCidr(cidr);
    list.addSubnet(address, prefix, family);
  }
  return list;
}

/** The one policy: blocked ranges, minus what the operator allow-listed. */
export class EgressPolicy {
  private readonly blocked = blockListOf([...BLOCKED_IPV4_RANGES, ...BLOCKED_IPV6_RANGES]);
  private readonly allowed: BlockList;

  constructor(readonly allowedCidrs: readonly string[] = []) {
    this.allowed = blockListOf(allowedCidrs);
  }

  /** May a run connect to this IP address? Anything that is not an IP address is refused. */
  permits(address: string): boolean {
    const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
    const version = isIP(ip);
    if (version === 0) return false;
    const embedded = version === 6 ? embeddedIpv4(ip) : undefined;
    if (embedded !== undefined) return this.permits(embedded);
    const family = version === 4 ? "ipv4" : "ipv6";
    if (this.allowed.check(ip, family)) return true;
    return !this.blocked.check(ip, family);
  }
}

function embeddedIpv4(ip: string): string | undefined {
  const prefix = EMBEDDED_IPV4_PREFIXES.find((p) => p.test(ip));
  if (!prefix) return undefined;
  const rest = ip.replace(prefix, "");
  if (isIP(rest) === 4) return rest;
  // Hex form: the last 32 bits as two groups (`::ffff:a00:1`).
  const groups = rest.split(":");
  if (groups.length !== 2 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const value = (parseInt(groups[0]!, 16) << 16) | parseInt(groups[1]!, 16);
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}
