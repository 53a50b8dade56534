import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { PostgresBlobStore } from "@oz/blobs";
import { createDb, poolOf } from "@oz/db";
import { loadModelCatalogue, type ModelCatalogue } from "@oz/llm";
import { createTestDatabase, type TestDatabase } from "@oz/testing";
import { buildApp } from "../../src/app.ts";
import { buildApiDeps } from "../../src/build-deps.ts";
import type { AppDeps } from "../../src/deps.ts";
import { createTeam, type CreatedTeam } from "../../src/teams/create-team.ts";

export interface TestServer {
  app: FastifyInstance;
  database: TestDatabase;
  /** `http://127.0.0.1:<port>/api/v1`: what a user sets as `OZ_API_BASE_URL`. */
  baseUrl: string;
  origin: string;
  /** A team with its admin (personal key `team.apiKey`) and default agent. */
  team: CreatedTeam;
  /** Another team, to prove tenancy. */
  otherTeam: CreatedTeam;
  /** The master key the server's secrets and download links are keyed by. */
  masterKey: Buffer;
  /** Namespace of this server's queues in Redis: a test worker must use the same. */
  queuePrefix: string;
  /** The server's blob store (a temporary directory removed by close). */
  blobs: AppDeps["blobs"];
  /** Another API instance on the same database and Redis, as a second replica would be; closed with this one. */
  startReplica(): Promise<{ baseUrl: string }>;
  close(): Promise<void>;
}

let teamCounter = 0;

/**
 * The model catalogue of a test API unless a test brings its own: the server refuses runs of the built-in
 * harness without one, or naming a model outside it. API tests accept such runs without executing them, so
 * nothing serves these models; they are the ids the tests name.
 */
export const TEST_MODELS = loadModelCatalogue({
  OZ_MODELS: JSON.stringify(
    ["test-model", "gpt-x", "gpt-5", "claude-sonnet-4", "claude-haiku"].map((id) => ({
      id,
      provider: "openai",
      base_url: "http://127.0.0.1:9/v1",
    })),
  ),
  OZ_DEFAULT_MODEL: "test-model",
});

/** Creates another team (admin + default agent + personal key) in the server's database. */
export function seedTeam(server: Pick<TestServer, "database">, name = `team-${++teamCounter}`) {
  return createTeam(server.database.db, {
    teamName: name,
    admin: { email: `admin-${name}-${Date.now()}@example.com` },
  });
}

/** The real API on a real port over its own fresh database. */
export async function startTestServer(
  overrides: Partial<AppDeps> = {},
  options: {
    redisUrl?: string;
    /** The URL the API connects to its database through (e.g. a fault-injecting proxy); seeding goes direct. */
    apiDatabaseUrl?: (url: string) => string;
    /** Adds hooks or routes to the app before it listens (bench/ times requests with an onResponse hook). */
    beforeListen?: (app: FastifyInstance) => void;
    /** Runs the API's sweeper at this interval (off by default: most tests want runs left as they put them). */
    sweepIntervalMs?: number;
    /**
     * Fire scheduled agents in this API (off by default): reconcile their job schedulers at this interval,
     * with `secondsField` before the 5 cron fields (e.g. `*\/2`: a tick every two seconds).
     */
    schedules?: { reconcileIntervalMs: number; secondsField?: string };
    /** The workers' catalogue when a test platform runs them (apps/worker/test): the API checks runs against it. */
    models?: ModelCatalogue;
    /** The address the API listens on (default loopback); `0.0.0.0` lets sandboxes reach it on their gateway. */
    host?: string;
  } = {},
): Promise<TestServer> {
  const database = await createTestDatabase();
  const apiDatabaseUrl = options.apiDatabaseUrl?.(database.url) ?? database.url;
  const apiDb = options.apiDatabaseUrl ? createDb({ connectionString: apiDatabaseUrl, poolSize: 5 }) : database.db;
  const masterKey = randomBytes(32);
  const queuePrefix = `oz-test-${randomBytes(4).toString("hex")}`;
  const { deps: built, close: closeLive } = buildApiDeps({
    db: apiDb,
    redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    queuePrefix,
    masterKey,
    // Artifacts in the test database, as production keeps them by default (OZ_BLOB_STORE=postgres).
    blobs: new PostgresBlobStore(poolOf(apiDb)),
    sweepIntervalMs: options.sweepIntervalMs,
    scheduleReconcileIntervalMs: options.schedules?.reconcileIntervalMs,
    scheduleSecondsField: options.schedules?.secondsField,
    databaseUrl: apiDatabaseUrl,
    publicUrl: "http://oz.test",
    agentLimit: 3,
    maxOrchestrationDepth: 5,
    models: options.models ?? TEST_MODELS,
    // The tests' git daemon listens on the host's address on Docker's default bridge, a private one.
    allowedCidrs: ["172.17.0.1/32"],
  });
  const deps: AppDeps = { ...built, ...overrides };
  const app = await buildApp(deps);
  options.beforeListen?.(app);
  await app.listen({ port: 0, host: options.host ?? "127.0.0.1" });
  const address = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const replicas: FastifyInstance[] = [];
  const team = await seedTeam({ database }, "acme");
  const otherTeam = await seedTeam({ database }, "globex");
  return {
    app,
    database,
    origin: address,
    baseUrl: `${address}/api/v1`,
    team,
    otherTeam,
    masterKey,
    queuePrefix,
    blobs: deps.blobs,
    async startReplica() {
      const replica = await buildApp(deps);
      replicas.push(replica);
      return { baseUrl: `${await replica.listen({ port: 0, host: "127.0.0.1" })}/api/v1` };
    },
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()));
      const closing = app.close();
      // A streamed response (a download) may still be ending after its client read every byte; such a
      // connection would otherwise hold close() for the whole keep-alive timeout.
      app.server.closeAllConnections();
      await closing;
      await closeLive();
      if (apiDb !== database.db) await apiDb.$disconnect();
      await database.drop();
    },
  };
}

/** `fetch` against the API with a bearer key; returns status, headers and the parsed body. */
export async function call(
  server: Pick<TestServer, "baseUrl">,
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const json = type.includes("json") && text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
}
