import type { BlobStore } from "@oz/blobs";
import type { Db } from "@oz/db";
import { secretAndArtifactDeps, type AppDeps } from "./deps.ts";
import { createLiveDeps } from "./dispatch/live-deps.ts";

/** The parts of AppDeps built here; the rest are settings passed through as they are. */
type BuiltDeps =
  | "secretBox"
  | "blobs"
  | "artifactUrlSigner"
  | "dispatcher"
  | "events"
  | "eventHub"
  | "signInThrottle"
  | "sweeper"
  | "scheduleTriggers"
  | "scheduleFiring";

export interface ApiDepsOptions extends Omit<AppDeps, BuiltDeps> {
  db: Db;
  redisUrl: string;
  /** OZ_QUEUE_PREFIX: the namespace of this deployment's queue keys and pub/sub channels. */
  queuePrefix: string;
  /** Keys the secret box and the artifact download links. */
  masterKey: Buffer;
  /** Where artifact bytes are kept. */
  blobs: BlobStore;
  /** Run the API's sweeper at this interval (absent: this process does not sweep). */
  sweepIntervalMs?: number | undefined;
  /** Fire scheduled agents in this process, reconciling their job schedulers at this interval. */
  scheduleReconcileIntervalMs?: number | undefined;
  /** The seconds field before every schedule's 5 cron fields ("0" unless testing). */
  scheduleSecondsField?: string | undefined;
}

/**
 * The API's dependencies, built in one place for main.ts, the tests' server (apps/api/test/support) and, through
 * it, the benchmarks. `close` releases what was opened here (Redis connections, queues).
 */
export function buildApiDeps(options: ApiDepsOptions): { deps: AppDeps; close(): Promise<void> } {
  const {
    redisUrl,
    queuePrefix,
    masterKey,
    blobs,
    sweepIntervalMs,
    scheduleReconcileIntervalMs,
    scheduleSecondsField,
    ...settings
  } = options;
  const { close, ...live } = createLiveDeps(settings.db, redisUrl, queuePrefix, {
    sweepIntervalMs,
    scheduleReconcileIntervalMs,
    scheduleSecondsField,
  });
  return {
    deps: { ...settings, ...live, ...secretAndArtifactDeps(masterKey, blobs, settings.publicUrl) },
    close,
  };
}
