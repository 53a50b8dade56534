import { isIP } from "node:net";
import { EgressRefusedError } from "./guarded-fetch.ts";
import type { EgressPolicy } from "./ranges.ts";
import { resolveAllowedAddress } from "./resolve.ts";

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443, "git:": 9418 };

export interface PinnedGitRemote {
  /** The URL to hand to git (for git://, the checked address instead of the name). */
  url: string;
  /** `-c` settings that make git connect only to the checked address and follow no redirect elsewhere. */
  config: string[];
}

/**
 * A git remote made safe to fetch from this machine: http(s) and git:// only, its host resolved once and checked
 * against the policy, and git pinned to that address (`http.curloptResolve` for http(s); the address itself in a
 * git:// URL, whose server does not care about the name). Redirects are not followed.
 */
export async function pinGitRemote(remote: string, policy: EgressPolicy): Promise<PinnedGitRemote> {
  let url: URL;
  try {
    url = new URL(remote);
  } catch {
    throw new EgressRefusedError("the repository URL is not an http(s) or git:// URL");
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  if (port === undefined) {
    throw new EgressRefusedError(`${url.protocol} repository URLs cannot be read here (http, https or git only)`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const address = await resolveAllowedAddress(host, policy);
  const config = [
    "protocol.allow=never",
    "protocol.http.allow=always",
    "protocol.https.allow=always",
    "protocol.git.allow=always",
    "http.followRedirects=false",
  ];
  if (url.protocol === "git:") {
    const pinned = new URL(url);
    pinned.hostname = isIP(address) === 6 ? `[${address}]` : address;
    return { url: pinned.toString(), config };
  }
  if (isIP(host) === 0) {
    const literal = isIP(address) === 6 ? `[${address}]` : address;
    config.push(`http.curloptResolve=${host}:${port}:${literal}`);
  }
  return { url: remote, config };
}
