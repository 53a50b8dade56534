import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./support/test-server.ts";

interface OpenApiOperation {
  responses: Record<string, { content: Record<string, unknown> }>;
  parameters: { name: string }[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("documents the run endpoints in the OpenAPI document, cancel answering text/plain", async () => {
  const res = await fetch(`${server.baseUrl}/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as OpenApiDocument;
  expect(doc.paths["/api/v1/agent/runs"]).toHaveProperty("post");
  expect(doc.paths["/api/v1/agent/runs"]).toHaveProperty("get");
  expect(doc.paths["/api/v1/agent/run"]).toHaveProperty("post");
  expect(doc.paths["/api/v1/agent/runs/{runId}"]).toHaveProperty("get");
  const cancel = doc.paths["/api/v1/agent/runs/{runId}/cancel"]?.post;
  expect(Object.keys(cancel?.responses["200"]?.content ?? {})).toEqual(["text/plain"]);
  const listParameters = doc.paths["/api/v1/agent/runs"]?.get?.parameters.map((p) => p.name);
  expect(listParameters).toEqual(expect.arrayContaining(["cursor", "limit", "state", "metadata", "q", "sort_by"]));
});
