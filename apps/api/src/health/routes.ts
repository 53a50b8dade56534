import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Db } from "@oz/db";
import { ApiError } from "@oz/errors";

/** `/healthz`: the process is alive. `/readyz`: its dependencies answer (DESIGN §9). */
export const healthRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get("/healthz", { config: { auth: "public" }, schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { config: { auth: "public" }, schema: { hide: true } }, async () => {
    try {
      await db.$queryRaw`SELECT 1`;
    } catch (cause) {
      throw new ApiError("resource_unavailable", "PostgreSQL is not reachable", { status: 503, cause });
    }
    return { status: "ready" };
  });
};
