import { EgressPolicy } from "@oz/egress";
import { readRepoSkills, type RepoLocation, type RepoSkillFile } from "./read-repo-skills.ts";

export interface SkillDiscoveryOptions {
  /** How long a repository's skills are served from memory before it is read again (default 5 minutes). */
  ttlMs?: number;
  /** Bound on one repository read (default 60 s). */
  readTimeoutMs?: number;
  /** Where repositories may be read from (private addresses only when allow-listed); default: nothing private. */
  egress?: EgressPolicy;
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
 * The discovery cache of `GET /agent`: each repository's skill files, read once and kept in this
 * process's memory for a while. Concurrent requests for one repository share one read; `refresh` reads again.
 * Entries are per team: what one team's credentials fetched (or a repository only it can reach) is never served
 * to another team that names the same URL.
 */
export class SkillDiscovery {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #readTimeoutMs: number;
  readonly #egress: EgressPolicy;

  constructor(options: SkillDiscoveryOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#readTimeoutMs = options.readTimeoutMs ?? 60_000;
    this.#egress = options.egress ?? new EgressPolicy();
  }

  /**
   * `repoKey` names the repository and branch without credentials; with `teamId` it is the cache key. `location`
   * says how to fetch it.
   */
  skillsOf(
    teamId: string,
    repoKey: string,
    location: RepoLocation,
    options: { refresh: boolean },
  ): Promise<RepoSkills> {
    const key = `${teamId}\0${repoKey}`;
    const cached = this.#entries.get(key);
    if (cached && !options.refresh && cached.expiresAt > Date.now()) return cached.skills;
    const entry: Entry = {
      expiresAt: Date.now() + this.#ttlMs,
      skills: readRepoSkills(location, this.#readTimeoutMs, this.#egress).then(
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
