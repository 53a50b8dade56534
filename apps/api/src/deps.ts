import type { FastifyServerOptions } from "fastify";
import type { BlobStore } from "@oz/blobs";
import type { Db } from "@oz/db";
import type { RunEventHub, RunEventLog } from "@oz/events";
import type { ModelCatalogue } from "@oz/llm";
import type { ApiMetrics } from "@oz/metrics";
import { createSecretBox, type SecretBox } from "@oz/secrets";
import { createArtifactUrlSigner, type ArtifactUrlSigner } from "./artifacts/url-signer.ts";
import type { RunDispatcher } from "./dispatch/run-dispatcher.ts";
import type { ScheduleFiringDeps } from "./schedules/schedule-firing.ts";
import type { ScheduleTriggers } from "@oz/queue";
import type { SignInThrottle } from "./sessions/sign-in-throttle.ts";
import type { SkillDiscoveryOptions } from "./skills/skill-discovery.ts";
import type { ApiSweeperDeps } from "./sweeper/api-sweeper.ts";

/** Everything the API's route modules may use; built once in main.ts (or a test) and passed down. */
export interface AppDeps {
  db: Db;
  /**
   * The database `db` uses, for the connection that hears about revoked keys (LISTEN). With it, API-key
   * principals are cached in memory (packages/auth/src/principal-cache.ts); without it, every request
   * looks its key up in the database.
   */
  databaseUrl?: string;
  /** The URL users reach this server at (links, problem `type` URIs). */
  publicUrl: string;
  /** Cloud agents a team may use beyond its default one, unless the team has its own limit. */
  agentLimit: number;
  maxOrchestrationDepth: number;
  /** Encrypts team secrets at rest (keyed by the master key). */
  secretBox: SecretBox;
  /** Artifact bytes. */
  blobs: BlobStore;
  /** Signs and checks artifact download links (keyed by the master key). */
  artifactUrlSigner: ArtifactUrlSigner;
  /** Hands accepted runs to workers and tells them to stop cancelled ones. */
  dispatcher: RunDispatcher;
  /** Records transcript events (and announces them live). */
  events: RunEventLog;
  /** Live transcript subscriptions for SSE viewers. */
  eventHub: RunEventHub;
  /**
   * Run the API's sweeper (src/sweeper): ends runs whose worker's lease expired and enqueues QUEUED runs
   * with no job, so neither waits for a live worker. Absent: this process does not sweep.
   */
  sweeper?: Omit<ApiSweeperDeps, "onError">;
  /** The BullMQ job schedulers of scheduled agents (kept in line with Postgres on every change). */
  scheduleTriggers: ScheduleTriggers;
  /**
   * Consume the schedules queue in this process (fire ticks through the create-run path) and reconcile the
   * job schedulers with Postgres. Absent: this process fires nothing.
   */
  scheduleFiring?: Pick<ScheduleFiringDeps, "connection" | "queuePrefix" | "reconcileIntervalMs" | "onTick">;
  /** Paces password guessing per account and per client address (shared by every API process via Redis). */
  signInThrottle: SignInThrottle;
  bodyLimit?: number;
  /** Fastify's `trustProxy`: which `X-Forwarded-For` hops give the client's address (default: none). */
  trustProxy?: boolean | string;
  logger?: FastifyServerOptions["logger"];
  /** How long a dashboard sign-in lasts (default 7 days). */
  sessionLifetimeMs?: number;
  /** The built dashboard (default apps/web/dist). */
  webDistDir?: string;
  /** The built-in harness's models (`loadModelCatalogue`); absent = none configured: oz-harness runs are refused. */
  models?: ModelCatalogue;
  /** Where `owner/repo` repositories are read from (skill discovery), as workers clone them (default GitHub). */
  githubUrl?: string;
  /** A run's prompt may be at most this many UTF-8 bytes (OZ_MAX_PROMPT_BYTES; default 256 KiB). */
  maxPromptBytes?: number;
  /** The largest sandbox an environment may ask for (OZ_SANDBOX_MAX_*); absent = no maxima. */
  sandboxMaxima?: { cpus: number; memoryMb: number; pidsLimit: number };
  /** The largest warm pool an environment may ask for (OZ_WARM_POOL_MAX_SIZE); absent = no maximum. */
  warmPoolMaxSize?: number;
  /** Runs of one team in progress at once (OZ_TEAM_MAX_CONCURRENT_RUNS; 0 or absent = no limit). */
  teamMaxConcurrentRuns?: number;
  /** Private destinations skill discovery may read from (OZ_SANDBOX_ALLOWED_CIDRS). */
  allowedCidrs?: readonly string[];
  /** Federated identity tokens: the longest lifetime a run may ask for, and how often the signing key rotates. */
  oidc?: { maxTokenSeconds: number; keyRotationMs: number };
  /** What this process records for Prometheus (src/metrics); default: a registry of its own, without process metrics. */
  metrics?: ApiMetrics;
  /**
   * The bearer token of `GET /metrics` (OZ_METRICS_TOKEN). Absent: no `/metrics` route, and run counts and queue
   * depths are not read.
   */
  metricsToken?: string;
  /** The skill-discovery cache of `GET /agent` (TTL, read timeout). */
  skillDiscovery?: SkillDiscoveryOptions;
}

/** The secret box, the blob store and the download-link signer: what secrets and artifacts need. */
export function secretAndArtifactDeps(
  masterKey: Buffer,
  blobs: BlobStore,
  publicUrl: string,
): Pick<AppDeps, "secretBox" | "blobs" | "artifactUrlSigner"> {
  return {
    secretBox: createSecretBox(masterKey),
    blobs,
    artifactUrlSigner: createArtifactUrlSigner(masterKey, publicUrl),
  };
}
