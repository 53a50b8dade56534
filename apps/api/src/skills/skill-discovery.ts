import { readRepoSkills, type RepoLocation, type RepoSkillFile } from "./read-repo-skills.ts";

export interface SkillDiscoveryOptions {
  /** How long a repository's skills are served from memory before it is read again (default 5 minutes). */
  ttlMs?: number;
  /** Bound on one repository read (default 60 s). */
  readTimeoutMs?: number;
}

const DEFAULT_TTL_MS = 5 * 60_000;
/** A repository that could not be read is tried again sooner than one that could. */
const FAILURE_TTL_MS = 30_000;

export type RepoSkills = { files: RepoSkillFile[] } | { error: string };

interface Entry {
  expiresAt: number;
  skills: Promise<RepoSkills>;
}

/**
 * The discovery cache of `GET /agent` (contract §2.1): each repository's skill files, read once and kept in this
 * process's memory for a while. Concurrent requests for one repository share one read; `refresh` reads again.
 */
export class SkillDiscovery {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #readTimeoutMs: number;

  constructor(options: SkillDiscoveryOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#readTimeoutMs = options.readTimeoutMs ?? 60_000;
  }

  /** `key` names the repository and branch without credentials (the cache key); `location` says how to fetch it. */
  skillsOf(key: string, location: RepoLocation, options: { refresh: boolean }): Promise<RepoSkills> {
    const cached = this.#entries.get(key);
    if (cached && !options.refresh && cached.expiresAt > Date.now()) return cached.skills;
    const entry: Entry = {
      expiresAt: Date.now() + this.#ttlMs,
      skills: readRepoSkills(location, this.#readTimeoutMs).then(
        (files) => ({ files }),
        (err: unknown) => {
          entry.expiresAt = Math.min(entry.expiresAt, Date.now() + FAILURE_TTL_MS);
          return { error: (err as Error).message };
        },
      ),
    };
    this.#forgetExpired();
    this.#entries.set(key, entry);
    return entry.skills;
  }

  /** Repositories no environment names any more must not stay in memory for ever. */
  #forgetExpired() {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
