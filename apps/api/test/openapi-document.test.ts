import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationIdOf } from "../src/http/openapi-document.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

type Operation = { operationId?: string; responses: Record<string, { description: string; content?: object }> };

describe("the OpenAPI document, for people and client generators", () => {
  it("names every operation once, describes every response in words, and declares errors as problem+json", async () => {
    const doc = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(20);
    const ids = operations.map(({ label, op }) => op.operationId ?? `missing on ${label}`);
    expect(ids.filter((id) => id.startsWith("missing"))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { label, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${label} ${status}`).not.toBe("Default Response");
        if (Number(status) >= 400 && response.content) {
          expect(Object.keys(response.content), `${label} ${status}`).toEqual(["application/problem+json"]);
        }
      }
    }
    expect(doc.paths["/api/v1/agent/runs/{runId}/log"]?.get?.operationId).toBe("getRunLog");
  });

  it("derives readable names for operations that did not name themselves", () => {
    expect(operationIdOf("GET", "/api/v1/agent/runs/{runId}/events")).toBe("getAgentRunsByRunIdEvents");
    expect(operationIdOf("post", "/api/v1/agent/runs")).toBe("postAgentRuns");
  });

  it("explains each error code on a page of its own, linking back to the reference", async () => {
    const res = await fetch(`${server.origin}/docs/errors/resource_unavailable`);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>resource_unavailable · Oz API errors</title>");
    expect(html).toContain('<a href="/docs">API reference</a>');
    expect(html).toMatch(/Retryable<\/dt><dd>yes/);
  });
});
