import type { FastifyInstance } from "fastify";
import { createTestDatabase, type TestDatabase } from "@oz/testing";
import { buildApp } from "../../src/app.ts";
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
  close(): Promise<void>;
}

let teamCounter = 0;

/** Creates another team (admin + default agent + personal key) in the server's database. */
export function seedTeam(server: Pick<TestServer, "database">, name = `team-${++teamCounter}`) {
  return createTeam(server.database.db, {
    teamName: name,
    admin: { email: `admin-${name}-${Date.now()}@example.com` },
  });
}

/** The real API on a real port over its own fresh database. */
export async function startTestServer(overrides: Partial<AppDeps> = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const app = await buildApp({
    db: database.db,
    publicUrl: "http://oz.test",
    agentLimit: 3,
    maxOrchestrationDepth: 5,
    ...overrides,
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const team = await seedTeam({ database }, "acme");
  const otherTeam = await seedTeam({ database }, "globex");
  return {
    app,
    database,
    origin: address,
    baseUrl: `${address}/api/v1`,
    team,
    otherTeam,
    async close() {
      await app.close();
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
