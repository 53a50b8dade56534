import type { BlobStore } from "@oz/blobs";
import type { Db } from "@oz/db";
import type { ModelCatalogue } from "@oz/llm";
import type { EventSink } from "@oz/runs";
import type { SandboxProvider } from "@oz/sandbox";
import type { SecretBox } from "@oz/secrets";
import type { Logger } from "pino";
import type { ActiveRuns } from "./active-runs.ts";
import type { WorkerSettings } from "./settings.ts";

/** Everything the worker's modules use, built once in main.ts (or a test). */
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
  log: Logger;
}
