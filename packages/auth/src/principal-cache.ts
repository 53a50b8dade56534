import type { Principal } from "./principal.ts";
import { listenForPrincipalChanges, type PrincipalChangeListener } from "./principal-changes.ts";

/** What authenticating an API key needs to know about it. */
export interface KeyRecord {
  keyId: string;
  expiresAt: Date | null;
  /** Moved forward when the bookkeeping write is sent, so a cached key is not written again for a minute. */
  lastUsedAt: Date | null;
  /** Null when the key exists but its owner no longer has access to its team (never cached). */
  principal: Principal | null;
}

export interface PrincipalCacheOptions {
  /** A backstop only: changes evict entries as they commit. */
  ttlMs?: number;
  maxEntries?: number;
}

const DEFAULT_TTL_MS = 30_000;
const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * The API keys that authenticated recently, by key hash, so that a hot key costs no database statement.
 *
 * Safe only while it hears about every change: Postgres announces each committed change to a row a principal
 * is built from (trigger `oz_announce_principal_change`), and `PrincipalChangeListener` turns those into
 * `invalidate` calls. While the listener is not connected the cache is *untrusted*: empty, never filled,
 * and every request goes to the database — so a lost announcement can never keep a revoked key working.
 * A lookup that was in flight when anything was invalidated (or the trust changed) is not stored, since it
 * may have read the rows from before the change.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, { record: KeyRecord; storedAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Bumped by every invalidation and change of trust; a lookup stores its result only if it is unchanged. */
  private generation = 0;
  private trusted = false;

  constructor(options: PrincipalCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** The key's record from memory when trusted and fresh, else from `load` (and remembered if it may be). */
  async resolve(keyHash: string, load: () => Promise<KeyRecord | null>): Promise<KeyRecord | null> {
    if (!this.trusted) return load();
    const entry = this.entries.get(keyHash);
    if (entry && Date.now() - entry.storedAt < this.ttlMs) return entry.record;

    const generation = this.generation;
    const record = await load();
    if (record?.principal && this.trusted && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      Object.freeze(record.principal); // shared by every request of this key
      this.entries.set(keyHash, { record, storedAt: Date.now() });
    } else if (entry) {
      this.entries.delete(keyHash);
    }
    return record;
  }

  /** Trusted while the listener is connected; losing trust empties the cache. */
  setTrusted(trusted: boolean): void {
    this.generation += 1;
    this.trusted = trusted;
    if (!trusted) this.entries.clear();
  }

  /** An announced change: `team:<id>`, `user:<id>`, or anything else (`*`) for every principal. */
  invalidate(scope: string): void {
    this.generation += 1;
    const [kind, id] = splitScope(scope);
    if (kind === undefined) {
      this.entries.clear();
      return;
    }
    for (const [hash, { record }] of this.entries) {
      const principal = record.principal!;
      const affected = kind === "team" ? principal.teamId === id : principal.kind === "user" && principal.userId === id;
      if (affected) this.entries.delete(hash);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function splitScope(scope: string): [kind?: "team" | "user", id?: string] {
  const colon = scope.indexOf(":");
  const kind = scope.slice(0, colon);
  return colon > 0 && (kind === "team" || kind === "user") ? [kind, scope.slice(colon + 1)] : [];
}

/** A principal cache fed by its own LISTEN connection; `close` stops listening. */
export interface ListeningPrincipalCache {
  cache: PrincipalCache;
  /**
   * Resolves once every change committed before the call has reached the cache. A request that changed a
   * principal awaits this before answering, so its caller's next request finds this process up to date.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a cache and the connection that keeps it honest. Resolves once the first connection attempt has
 * settled either way: if the database cannot be reached yet, the cache stays bypassed until it can.
 */
export async function startPrincipalCache(
  databaseUrl: string,
  options: PrincipalCacheOptions & { onConnectionLost?: (err: Error) => void } = {},
): Promise<ListeningPrincipalCache> {
  const cache = new PrincipalCache(options);
  const listener: PrincipalChangeListener = listenForPrincipalChanges(databaseUrl, {
    connected: () => cache.setTrusted(true),
    disconnected: (err) => {
      cache.setTrusted(false);
      options.onConnectionLost?.(err);
    },
    changed: (scope) => cache.invalidate(scope),
  });
  await listener.firstAttempt;
  return {
    cache,
    settle: () => listener.settle(),
    async close() {
      await listener.close();
      cache.setTrusted(false);
    },
  };
}
