import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";

/**
 * `/healthz`: the process is alive. `/readyz`: its dependencies answer. Health checks poll these every
 * few seconds, so a request to them is not logged (an unready answer still is, at warn).
 */
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  const quiet = { config: { auth: "public" }, schema: { hide: true }, logLevel: "warn" } as const;
  app.get("/healthz", quiet, async () => ({ status: "ok" }));
  app.get("/readyz", quiet, async () => {
    try {
      await db.$queryRaw`SELECT 1`;
    } catch (cause) {
      throw new ApiError("resource_unavailable", "PostgreSQL is not reachable", { status: 503, cause });
    }
    return { status: "ready" };
  });
};
