import { isTerminalRunState } from "@oz/contract/run-states";
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { Db } from "@oz/db";
import type { AppDeps } from "../../../apps/api/test/support/internals.ts";
import { startTestServer, type TestServer } from "../../../apps/api/test/support/test-server.ts";
import {
  startTestWorker,
  TEST_IMAGE,
  type TestWorker,
  type WorkerSettings,
} from "../../../apps/worker/test/support/test-worker.ts";
import { installTestFirewall, TEST_SANDBOX_NETWORK } from "@oz/sandbox/testing";
import { onCleanup } from "./cleanup.ts";

export { TEST_IMAGE };
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * The real API in this process, on a real port over a fresh database of its own (apps/api's test server),
 * removed with everything it put in Redis when the benchmark ends.
 */
export async function startApi(
  options: {
    beforeListen?: (app: FastifyInstance) => void;
    deps?: Partial<AppDeps>;
    /** Fire scheduled agents in this API (see startTestServer). */
    schedules?: { reconcileIntervalMs: number; secondsField?: string };
  } = {},
): Promise<TestServer> {
  // Production's default per-team limit: a create also asks whether the team is at capacity.
  const server = await startTestServer({ teamMaxConcurrentRuns: 10, ...options.deps }, options);
  onCleanup(async () => {
    await server.close();
    await deleteQueueKeys(server.queuePrefix);
  });
  return server;
}

/**
 * A real worker in this process on the server's queues, with the production defaults for its lease and
 * sweeper (the test defaults sweep every 500 ms, which would load the machine more than a deployment does).
 */
export async function startWorker(server: TestServer, overrides: Partial<WorkerSettings> = {}): Promise<TestWorker> {
  // Sandboxes as production isolates them: the firewalled sandbox network and its network holders, the per-team claim.
  await installTestFirewall();
  const worker = await startTestWorker(
    server.database.db,
    {
      queuePrefix: server.queuePrefix,
      leaseMs: 30_000,
      sweepIntervalMs: 5_000,
      teamMaxConcurrentRuns: 10,
      ...overrides,
    },
    {
      blobs: server.blobs,
      masterKey: server.masterKey,
      sandboxNetwork: TEST_SANDBOX_NETWORK,
    },
  );
  onCleanup(() => worker.close());
  return worker;
}

/** `POST /agent/runs` with the `command` harness (and more `config`, e.g. an environment); returns the run id. */
export async function createCommandRun(
  server: TestServer,
  command: string,
  config: Record<string, unknown> = {},
): Promise<string> {
  const res = await fetch(`${server.baseUrl}/agent/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.team.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "benchmark", config: { harness: { type: "command", command }, ...config } }),
  });
  const body = (await res.json()) as { run_id?: string };
  if (res.status !== 200 || !body.run_id) throw new Error(`run not created: ${res.status} ${JSON.stringify(body)}`);
  return body.run_id;
}

/** Polls Postgres (not the API, so the API measured is not also busy answering the poll) until every run ended. */
export async function waitForRunsToEnd(
  db: Db,
  runIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await db.run.findMany({ where: { id: { in: [...runIds] } }, select: { id: true, state: true } });
    const ended = runs.filter((run) => isTerminalRunState(run.state));
    if (ended.length === runIds.length) return new Map(ended.map((run) => [run.id, run.state]));
    if (Date.now() > deadline)
      throw new Error(`${runIds.length - ended.length} of ${runIds.length} runs still not ended`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The output a run's sandbox printed, from its transcript. */
export async function runOutput(db: Db, runId: string): Promise<string> {
  const events = await db.runEvent.findMany({ where: { runId, type: "output" }, orderBy: { seq: "asc" } });
  return events.map((event) => String((event.payload as { text?: unknown }).text ?? "")).join("");
}

/** BullMQ keys of a finished benchmark's queue namespace: jobs no worker took would stay in Redis forever. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export const uniqueName = (what: string) => `bench-${what}-${randomUUID().slice(0, 8)}`;
