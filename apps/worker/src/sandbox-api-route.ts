import { lookup } from "node:dns/promises";

/** How a sandbox reaches the platform's API: the base URL it is given and what the firewall must let through. */
export interface SandboxApiRoute {
  /** `$OZ_API_BASE_URL` inside sandboxes (…/api/v1). */
  url: string;
  /** The addresses and port the sandbox firewall allows for it. */
  destination: { addresses: string[]; port: number };
}

/**
 * Where sandboxes reach the API. OZ_PUBLIC_URL when it names addresses a container can reach; when it is loopback
 * (the single-machine default, `http://localhost:8080`), the host's address on the sandbox network (its gateway)
 * at the same port, which reaches an API listening on all addresses (HOST=0.0.0.0, the default). Nothing when
 * the URL's host does not resolve, or is loopback and the network has no gateway.
 */
export async function sandboxApiRoute(
  publicUrl: string,
  gateway: () => Promise<string | undefined>,
): Promise<SandboxApiRoute | undefined> {
  const url = new URL(publicUrl);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = await lookup(host, { all: true }).then(
    (found) => found.map((a) => a.address),
    () => [] as string[],
  );
  if (addresses.length === 0) return undefined;
  const reachable = addresses.filter((address) => !isLoopback(address));
  if (reachable.length > 0) {
    return { url: `${publicUrl.replace(/\/$/, "")}/api/v1`, destination: { addresses: reachable, port } };
  }
  const hostAddress = await gateway();
  if (!hostAddress) return undefined;
  return { url: `${url.protocol}//${hostAddress}:${port}/api/v1`, destination: { addresses: [hostAddress], port } };
}

const isLoopback = (address: string) => address.startsWith("127.") || address === "::1";
