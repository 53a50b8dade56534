import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import type { EgressPolicy } from "./ranges.ts";

/** A connection the egress policy does not allow; its message names the host, never anything it sent back. */
export class EgressRefusedError extends Error {
  override name = "EgressRefusedError";
  readonly code = "EGRESS_REFUSED";
}

/** http(s) only, and a literal address must be allowed (Node connects to a literal without any lookup). */
export function checkUrl(url: string | URL, policy: EgressPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EgressRefusedError(`"${String(url)}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new EgressRefusedError(`${parsed.protocol} URLs are not allowed (http or https only)`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0 && !policy.permits(host)) throw refused(host, host);
  if (host === "localhost" || host.endsWith(".localhost")) throw refused(host, "127.0.0.1");
  return parsed;
}

const refused = (host: string, address: string) =>
  new EgressRefusedError(
    `connection to ${host} refused: ${address} is a private, loopback or link-local address (allow it with OZ_SANDBOX_ALLOWED_CIDRS)`,
  );

/**
 * A DNS lookup that answers only with allowed addresses, and fails when the name resolves to any refused one.
 * The connection is made to the address checked here, so a name that resolves differently a second time (DNS
 * rebinding) cannot slip past.
 */
export function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const bad = addresses.find((a) => !policy.permits(a.address));
      if (bad) return callback(refused(hostname, bad.address) as NodeJS.ErrnoException, "", 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

export type GuardedFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` that connects only where the policy allows: the URL is checked, names are resolved through
 * {@link guardedLookup}, and redirects are not followed (a redirect to a private address would bypass the check).
 */
export function createGuardedFetch(policy: EgressPolicy): GuardedFetch {
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(policy) } });
  return async (url, init) => {
    const target = checkUrl(url, policy);
    const response = await undiciFetch(target, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
      redirect: "manual",
    });
    return response as unknown as Response;
  };
}
