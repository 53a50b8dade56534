/** What the worker needs to know, read once from the environment by main.ts (or set by a test). */
export interface WorkerSettings {
  /** Stable across restarts on one machine, so a restarted worker can clean up after its previous life. */
  workerId: string;
  /** Self-hosted worker host this worker serves; null = the default pool. */
  workerHost: string | null;
  concurrency: number;
  /** Namespace of every queue key in Redis; the API must use the same. */
  queuePrefix: string;
  /** How long a claimed run stays ours without a renewal; a dead worker's runs are swept after this. */
  leaseMs: number;
  sweepIntervalMs: number;
  maxRuntimeMs: number;
  /** Image for runs without an environment. */
  defaultImage: string;
  defaultResources: { cpus: number; memoryMb: number; pidsLimit: number };
  /** Per-file cap for artifacts; larger files are skipped with an event saying so. */
  artifactMaxBytes: number;
  /** Base URL `owner/repo` GitHub repositories are cloned from. */
  githubUrl: string;
  /** Bounds of the built-in harness's tool loop (unset members use its defaults). */
  toolLoopLimits: { maxTurns?: number };
  /** The largest sandbox a run may have (OZ_SANDBOX_MAX_*): an environment saved under larger maxima is capped. */
  sandboxMaxima?: { cpus: number; memoryMb: number; pidsLimit: number };
  /** Runs of one team this worker's pool may have in progress at once; 0 = no limit. */
  teamMaxConcurrentRuns?: number;
  /** Largest warm pool an environment gets (OZ_WARM_POOL_MAX_SIZE); 0 or absent: this worker keeps no pools. */
  warmPoolMaxSize?: number;
  /** How often the warm pools re-read the environments that want one (default 2 s; tests set it shorter). */
  warmPoolRefreshMs?: number;
  /** Private destinations the operator allows (OZ_SANDBOX_ALLOWED_CIDRS): repo clones and MCP url servers. */
  allowedCidrs?: readonly string[];
  /** The API's base URL as sandboxes reach it (sandbox-api-route.ts): `$OZ_API_BASE_URL` in every sandbox. */
  sandboxApiUrl?: string;
}

/** Where things live inside every sandbox. */
export const SANDBOX_PATHS = {
  workspace: "/workspace",
  artifacts: "/workspace/.oz/artifacts",
} as const;
