import type { BlobStore } from "@oz/blobs";
import type { Db } from "@oz/db";
import { RunEventLog } from "@oz/events";
import type { ModelCatalogue } from "@oz/llm";
import { createWorkerMetrics, type WorkerMetrics } from "@oz/metrics";
import { createRedis } from "@oz/queue";
import type { EventSink } from "@oz/runs";
import type { SandboxProvider } from "@oz/sandbox";
import { createSecretBox, type SecretBox } from "@oz/secrets";
import type { Logger } from "pino";
import { ActiveRuns } from "./active-runs.ts";
import { timeSandboxStarts } from "./metrics/timed-sandboxes.ts";
import type { WorkerSettings } from "./settings.ts";

/** Everything the worker's modules use, built once by buildWorkerDeps (main.ts, the tests' worker, benchmarks). */
export interface WorkerDeps {
  db: Db;
  events: EventSink;
  sandboxes: SandboxProvider;
  /** Where artifacts are kept (the API serves them from the same store). */
  blobs: BlobStore;
  /** Decrypts the team secrets a run uses. */
  secretBox: SecretBox;
  settings: WorkerSettings;
  /** Models the built-in `oz` harness may call. */
  models: ModelCatalogue;
  active: ActiveRuns;
  /** What the worker records for Prometheus (src/metrics). */
  metrics: WorkerMetrics;
  log: Logger;
}

export interface WorkerDepsOptions {
  db: Db;
  settings: WorkerSettings;
  /** Where live transcript events are published (under the settings' queue prefix). */
  redisUrl: string;
  /** The Docker provider; its sandbox starts are timed for the metrics here. */
  sandboxes: SandboxProvider;
  blobs: BlobStore;
  /** Keys the secret box that decrypts team secrets. */
  masterKey: Buffer;
  models: ModelCatalogue;
  log: Logger;
  /** Process metrics (CPU, memory) in the registry: on in a worker process, off for several workers in one test. */
  defaultMetrics?: boolean;
}

/** The worker's dependencies, built in one place. `close` releases what was opened here (the publisher). */
export function buildWorkerDeps(options: WorkerDepsOptions): { deps: WorkerDeps; close(): Promise<void> } {
  const publisher = createRedis(options.redisUrl);
  publisher.on("error", () => {}); // ioredis reconnects by itself; a missed publish only delays live viewers
  const active = new ActiveRuns();
  const metrics = createWorkerMetrics({
    ...(options.defaultMetrics === false && { defaultMetrics: false }),
    activeRuns: () => active.size,
  });
  return {
    deps: {
      db: options.db,
      events: new RunEventLog(options.db, publisher, options.settings.queuePrefix),
      sandboxes: timeSandboxStarts(options.sandboxes, metrics),
      blobs: options.blobs,
      secretBox: createSecretBox(options.masterKey),
      settings: options.settings,
      models: options.models,
      active,
      metrics,
      log: options.log,
    },
    close: async () => {
      if (publisher.status === "ready") await publisher.quit().catch(() => publisher.disconnect());
      else publisher.disconnect();
    },
  };
}
