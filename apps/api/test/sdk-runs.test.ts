import OzAPI, {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  UnprocessableEntityError,
} from "oz-agent-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnvironment, moveRunTo } from "./support/run-fixtures.ts";
import { seedTeam, startTestServer, type TestServer } from "./support/test-server.ts";

/**
 * Conformance with the official SDK as users get it from npm (`oz-agent-sdk@1.0.0-alpha.8`), pointed at
 * the real server through `baseURL`, exactly as a user sets `OZ_API_BASE_URL`.
 */
let server: TestServer;
let client: OzAPI;
beforeAll(async () => {
  server = await startTestServer();
  client = new OzAPI({ apiKey: server.team.apiKey, baseURL: server.baseUrl, maxRetries: 0 });
});
afterAll(() => server.close());

describe("runs through the official SDK", () => {
  it("creates a run (α8 posts to /agent/run) and retrieves it", async () => {
    const created = await client.agent.run({
      prompt: "Fix the bug in auth.go",
      config: { name: "bug-fix", model_id: "claude-sonnet-4", base_prompt: "Be careful." },
    });
    expect(created.state).toBe("QUEUED");
    expect(created.task_id).toBe(created.run_id);

    const run = await client.agent.runs.retrieve(created.run_id);
    expect(run).toMatchObject({
      run_id: created.run_id,
      task_id: created.run_id,
      prompt: "Fix the bug in auth.go",
      title: "Fix the bug in auth.go",
      state: "QUEUED",
      source: "API",
      agent_config: { name: "bug-fix", model_id: "claude-sonnet-4", base_prompt: "Be careful." },
    });
    expect(new Date(run.created_at).toISOString()).toBe(run.created_at);
  });

  it("sends α8 images, which the server keeps as attachments", async () => {
    const data = Buffer.from("fake png").toString("base64");
    const created = await client.agent.run({ prompt: "look at this", images: [{ data, mime_type: "image/png" }] });
    const row = await server.database.db.run.findUniqueOrThrow({ where: { id: created.run_id } });
    expect(row.attachments).toEqual([{ data, mime_type: "image/png", file_name: "image-1.png" }]);
  });

  it("lists with filters, and walks every page by following next_cursor", async () => {
    const team = await seedTeam(server, "sdk-paging");
    const sdk = new OzAPI({ apiKey: team.apiKey, baseURL: server.baseUrl, maxRetries: 0 });
    const environmentId = await createEnvironment(server.database.db, team.teamId);
    const created: string[] = [];
    for (let i = 0; i < 11; i++) {
      const run = await sdk.agent.run({
        prompt: `task ${i}`,
        config: { environment_id: i % 2 ? environmentId : undefined, name: i % 2 ? "odd" : "even" },
      });
      created.push(run.run_id);
    }
    await moveRunTo(server.database.db, created[0]!, "FAILED");

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await sdk.agent.runs.list({ limit: 3, name: "odd", environment_id: environmentId, cursor });
      expect(typeof page.page_info.has_next_page).toBe("boolean");
      seen.push(...page.runs.map((r) => r.run_id));
      cursor = page.page_info.has_next_page ? page.page_info.next_cursor : undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    const odd = created.filter((_, i) => i % 2 === 1);
    expect(seen.sort()).toEqual([...odd].sort());

    const some = await sdk.agent.runs.list({ state: ["FAILED", "CANCELLED"] });
    expect(some.runs.map((r) => r.run_id)).toEqual([created[0]]);
    const none = await sdk.agent.runs.list({ q: "no such words anywhere" });
    expect(none).toEqual({ runs: [], page_info: { has_next_page: false } });
  });

  it("cancels a queued run and gets the bare run ID back as a string", async () => {
    const created = await client.agent.run({ prompt: "stop me" });
    const cancelled = await client.agent.runs.cancel(created.run_id);
    expect(cancelled).toBe(created.run_id);
    expect((await client.agent.runs.retrieve(created.run_id)).state).toBe("CANCELLED");
  });
});

describe("errors arrive as the SDK's typed errors", () => {
  it("NotFoundError for an unknown run", async () => {
    const err = await client.agent.runs.retrieve("7c9e6679-7425-40de-944b-e07fc1f90ae7").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).error).toMatchObject({ status: 404, retryable: false });
  });

  it("BadRequestError for a run without prompt or skill, with the contract's detail", async () => {
    const err = await client.agent.run({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).error).toMatchObject({ detail: "prompt is required unless a skill is specified" });
  });

  it("AuthenticationError for a key the server does not know", async () => {
    const stranger = new OzAPI({ apiKey: "wk-not-a-real-key", baseURL: server.baseUrl, maxRetries: 0 });
    await expect(stranger.agent.runs.list()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it("PermissionDeniedError for on_behalf_of with a personal key", async () => {
    await expect(client.agent.run({ prompt: "x", on_behalf_of: "someone" } as never)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
  });

  it("UnprocessableEntityError for cancelling a local run", async () => {
    const created = await client.agent.run({ prompt: "local" });
    await server.database.db.run.update({ where: { id: created.run_id }, data: { executionLocation: "LOCAL" } });
    await expect(client.agent.runs.cancel(created.run_id)).rejects.toBeInstanceOf(UnprocessableEntityError);
  });

  it("ConflictError for cancelling a PENDING run, which the SDK retries after Retry-After", async () => {
    const created = await client.agent.run({ prompt: "pending" });
    await moveRunTo(server.database.db, created.run_id, "PENDING");
    await expect(client.agent.runs.cancel(created.run_id)).rejects.toBeInstanceOf(ConflictError);

    // With retries on, the client tries again (the server said x-should-retry: true), then gives up.
    const attempts: string[] = [];
    const counting = new OzAPI({
      apiKey: server.team.apiKey,
      baseURL: server.baseUrl,
      maxRetries: 1,
      fetch: (url, init) => {
        attempts.push(new Headers(init?.headers).get("x-stainless-retry-count") ?? "?");
        return fetch(url, init);
      },
    });
    const started = Date.now();
    await expect(counting.agent.runs.cancel(created.run_id)).rejects.toBeInstanceOf(ConflictError);
    expect(attempts).toEqual(["0", "1"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // it honoured Retry-After: 2
  });
});
