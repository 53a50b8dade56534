import { EgressRefusedError, resolveAllowedAddress, type EgressPolicy } from "@oz/egress";

/** The host of a clone URL: a URL's, or the `host` of scp-like `user@host:path`. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return /^(?:[^@/]+@)?([^:/]+):/.exec(url)?.[1];
  }
}

/**
 * Why a repository of the run may not be cloned: its host is (or resolves to) a private, loopback or
 * link-local address the operator did not allow-list. Said before cloning so the run fails with a clear
 * message; the sandbox firewall refuses the same addresses whatever the clone resolves them to later. A name
 * that does not resolve here is left to the clone to report.
 */
export async function refusedCloneUrl(
  urls: readonly { name: string; url: string }[],
  policy: EgressPolicy,
): Promise<string | undefined> {
  for (const { name, url } of urls) {
    const host = hostOf(url);
    if (host === undefined) continue;
    try {
      await resolveAllowedAddress(host, policy);
    } catch (err) {
      if (err instanceof EgressRefusedError) return `Repository ${name} cannot be cloned: ${err.message}.`;
    }
  }
  return undefined;
}
