import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { startTestServer, type TestServer } from "./support/test-server.ts";

const INDEX_HTML =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/app-1a2b3c.js"></script></body></html>';

let server: TestServer;
let distDir: string;
beforeAll(async () => {
  // A stand-in for `pnpm --filter @oz/web build`: an index page and one hashed asset.
  distDir = await mkdtemp(join(tmpdir(), "oz-web-dist-"));
  await mkdir(join(distDir, "assets"));
  await writeFile(join(distDir, "index.html"), INDEX_HTML);
  await writeFile(join(distDir, "assets", "app-1a2b3c.js"), "console.log('dashboard')");
  server = await startTestServer({ webDistDir: distDir });
});
afterAll(async () => {
  await server.close();
  await rm(distDir, { recursive: true, force: true });
});

const get = async (origin: string, path: string) => {
  const res = await fetch(`${origin}${path}`);
  const text = await res.text();
  const json = res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, text, json };
};

describe("the dashboard served by the API", () => {
  it.each([
    "/",
    "/login",
    "/runs",
    "/runs/8d3f0c57-3a5e-4c8b-9d1e-2f7a6b5c4d3e",
    "/agents",
    "/environments",
    "/environments/ENV1aaaaaaaaaaaaaaaaaa",
    "/usage",
    "/settings",
  ])("opens %s on a reload or a shared link (index.html, never cached, no sign-in needed)", async (path) => {
    const res = await get(server.origin, `${path}?status=FAILED`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.text).toBe(INDEX_HTML);
  });

  it("serves hashed assets with a long, immutable cache lifetime", async () => {
    const res = await get(server.origin, "/assets/app-1a2b3c.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("cache-control")).toMatch(/immutable/);
    expect(res.text).toBe("console.log('dashboard')");
  });

  it("keeps unknown API paths, assets and pages RFC 7807 404 problems", async () => {
    for (const path of [
      "/api/v1/no-such-thing",
      "/api/nothing",
      "/assets/missing.js",
      "/assets/..%2Findex.html",
      "/no-such-page",
    ]) {
      expectProblem(await get(server.origin, path), 404, "resource_not_found");
    }
  });

  it("answers a browser's unknown page with the dashboard (its own Page not found) and status 404", async () => {
    for (const path of ["/no-such-page", "/integrations/slack", "/runs/x/y"]) {
      const res = await fetch(`${server.origin}${path}`, { headers: { accept: "text/html,application/xhtml+xml" } });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toBe(INDEX_HTML);
    }
    // The API stays the API, for browsers too.
    const api = await fetch(`${server.origin}/api/v1/nothing`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toMatch(/problem\+json/);
  });

  it("keeps the API answering JSON next to the dashboard", async () => {
    const res = await get(server.origin, "/api/v1/agent/runs");
    expectProblem(res, 401, "authentication_required");
  });
});

describe("before the dashboard is built", () => {
  it("answers 503 saying how to build it", async () => {
    const unbuilt = await startTestServer({ webDistDir: join(tmpdir(), "oz-web-dist-that-does-not-exist") });
    try {
      const res = await get(unbuilt.origin, "/");
      const problem = expectProblem(res, 503, "resource_unavailable", /pnpm --filter @oz\/web build/);
      expect(problem.retryable).toBe(false);
      expectProblem(await get(unbuilt.origin, "/runs"), 503, "resource_unavailable");
    } finally {
      await unbuilt.close();
    }
  });
});
