import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_FILE, renderOpenApiYaml } from "../src/openapi-document.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("the API describes itself", () => {
  it("openapi.yaml at the top level is what the code generates (else run `pnpm openapi`)", async () => {
    const committed = await readFile(OPENAPI_FILE, "utf8").catch(() => "");
    const generated = await renderOpenApiYaml();
    // A plain boolean first: a diff of the whole document would bury the instruction.
    expect(committed === generated, "openapi.yaml is stale: run `pnpm openapi` and commit the result").toBe(true);
  });

  it("serves the OpenAPI 3.1 document at /api/v1/openapi.json without credentials", async () => {
    const res = await fetch(`${server.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // The API under /api/v1 and nothing else (health checks and the docs pages are not part of it).
    expect(Object.keys(doc.paths)).toContain("/api/v1/whoami");
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith("/api/v1/"))).toEqual([]);
  });

  it("serves browsable documentation at /docs", async () => {
    const res = await fetch(`${server.origin}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/swagger-ui/i);
    expect(html).toContain("<title>Oz API reference</title>");
    // The reference alone, without Swagger's top bar.
    const initializer = await fetch(`${server.origin}/docs/static/swagger-initializer.js`);
    expect(await initializer.text()).toContain("BaseLayout");
  });
});
