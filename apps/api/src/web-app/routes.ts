import { existsSync } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import { ApiError, notFound } from "@oz/errors";
import type { NotFoundPage } from "../http/problems.ts";

/** `apps/web/dist`: where `pnpm --filter @oz/web build` writes the dashboard. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

/**
 * The dashboard's own pages (apps/web/src/routes.tsx). Each answers index.html so that a reload or a shared
 * link opens the page; anything else, `/api/*` included, stays a 404 problem.
 */
export const DASHBOARD_PAGES = [
  "/",
  "/login",
  "/setup",
  "/invite",
  "/runs",
  "/runs/:runId",
  "/agents",
  "/environments",
  "/environments/:environmentId",
  "/schedules",
  "/schedules/:scheduleId",
  "/usage",
  "/settings",
];

/** A plain file name: no path separators, no dot files, so nothing outside `assets/` can be named. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Serves the built dashboard at the API's own origin: hashed assets cached for good, pages never cached. */
export const webAppRoutes: FastifyPluginAsync<{
  distDir: string;
  /** Pages that exist only at times (the first-admin setup): status 404 while their check says no. */
  pageAvailable?: Record<string, () => Promise<boolean>>;
}> = async (app, { distDir, pageAvailable = {} }) => {
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, auth: "public" };
  });

  // Only `reply.sendFile`: the routes below decide what exists, so every miss is our own 404 problem.
  await app.register(fastifyStatic, { root: distDir, serve: false });

  const assets = join(distDir, "assets");
  app.get<{ Params: { file: string } }>("/assets/:file", { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params;
    if (!ASSET_NAME.test(file) || !(await exists(join(assets, file)))) throw notFound("asset", file);
    // Vite puts a content hash in every asset name, so a name never changes its bytes.
    return reply.sendFile(file, assets, { immutable: true, maxAge: "365d" });
  });

  const indexHtml = join(distDir, "index.html");
  for (const url of DASHBOARD_PAGES) {
    // A page that is gone for now (the first-admin setup, once done) is still the dashboard, with status 404.
    const available = pageAvailable[url];
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      await assertBuilt(indexHtml);
      const status = available && !(await available()) ? 404 : 200;
      // Never cached: a new build must reach every browser on its next load.
      return reply
        .code(status)
        .header("cache-control", "no-cache")
        .sendFile("index.html", distDir, { cacheControl: false });
    });
  }
};

async function assertBuilt(indexHtml: string) {
  if (!(await exists(indexHtml))) {
    throw new ApiError(
      "resource_unavailable",
      "the dashboard has not been built yet: run `pnpm --filter @oz/web build` (or `pnpm build:web`) and reload",
      { status: 503, title: "Dashboard not built.", retryable: false },
    );
  }
}

/**
 * Any other page a browser asks for (an old bookmark, a mistyped link) gets the dashboard, which shows its own
 * "Page not found", with status 404. Programs (no text/html in Accept), the API and assets keep the 404 problem.
 * Called by the not-found handler (apps/api/src/http/problems.ts), so routing itself is unchanged.
 */
export function dashboardNotFoundPage(distDir: string): NotFoundPage {
  const indexHtml = join(distDir, "index.html");
  return (request, reply) => {
    const path = request.url.split("?")[0] ?? request.url;
    const isPage =
      (request.method === "GET" || request.method === "HEAD") &&
      !/^\/(api|assets)(\/|$)/.test(path) &&
      (request.headers.accept ?? "").includes("text/html");
    if (!isPage || !existsSync(indexHtml)) return undefined;
    return readFile(indexHtml).then((html) =>
      reply.code(404).type("text/html; charset=utf-8").header("cache-control", "no-cache").send(html),
    );
  };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
