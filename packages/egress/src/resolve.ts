import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { EgressRefusedError } from "./guarded-fetch.ts";
import type { EgressPolicy } from "./ranges.ts";

/**
 * The address to connect to for `hostname`: resolved once and checked. Every address the name resolves to must be
 * allowed (a name with one private answer is refused), and the caller connects to the returned address, so a
 * second resolution (DNS rebinding) never happens.
 */
export async function resolveAllowedAddress(hostname: string, policy: EgressPolicy): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const bad = addresses.find((address) => !policy.permits(address));
  if (bad !== undefined || addresses.length === 0) {
    throw new EgressRefusedError(
      `connection to ${host} refused: ${bad ?? "it"} is a private, loopback or link-local address (allow it with OZ_SANDBOX_ALLOWED_CIDRS)`,
    );
  }
  return addresses[0]!;
}
