import { createHmac } from "node:crypto";

/** The name known_hosts files give a host: `host` on port 22, `[host]:port` elsewhere (as ssh writes them). */
const hostEntryName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

/** `*` and `?` wildcards, as in ssh's host patterns. */
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

function patternMatches(pattern: string, name: string): boolean {
  const hashed = /^\|1\|([^|]+)\|(.+)$/.exec(pattern);
  if (hashed) return createHmac("sha1", Buffer.from(hashed[1]!, "base64")).update(name).digest("base64") === hashed[2];
  return wildcard(pattern).test(name);
}

/** Does a comma-separated host list name `name` (and no `!negated` pattern exclude it)? */
function hostListMatches(list: string, name: string): boolean {
  const patterns = list.split(",");
  if (patterns.some((p) => p.startsWith("!") && patternMatches(p.slice(1), name))) return false;
  return patterns.some((p) => !p.startsWith("!") && patternMatches(p, name));
}

/**
 * A host-key check from a known_hosts file's text, for ssh2's `hostVerifier`: the key the server presents must be
 * listed for this host (plain or hashed names, wildcards, `!` negations); a key marked `@revoked` is refused, and
 * an unknown host is refused rather than trusted on first use. `@cert-authority` lines are not supported.
 */
export function knownHostsVerifier(knownHosts: string, host: string, port: number): (key: Buffer) => boolean {
  const name = hostEntryName(host, port);
  const listed: Buffer[] = [];
  const revoked: Buffer[] = [];
  for (const raw of knownHosts.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith("@") ? fields.shift() : undefined;
    const [hosts, , keyBase64] = fields;
    if (!hosts || !keyBase64 || marker === "@cert-authority" || !hostListMatches(hosts, name)) continue;
    (marker === "@revoked" ? revoked : listed).push(Buffer.from(keyBase64, "base64"));
  }
  return (key) => !revoked.some((k) => k.equals(key)) && listed.some((k) => k.equals(key));
}
