import type { FastifyPluginAsync } from "fastify";
import { ApiError } from "@oz/errors";
import { METRICS_CONTENT_TYPE, scrapeTokenMatches, type ApiMetrics } from "@oz/metrics";

/**
 * `GET /metrics` (Prometheus text format), outside `/api/v1` and the OpenAPI document. Only a bearer of the scrape
 * token may read it: the API's port is reachable by every sandbox, and the figures span every team. Registered
 * only when a token is configured; without one the path is an unknown route like any other.
 */
export const metricsRoute: FastifyPluginAsync<{ metrics: ApiMetrics; token: string }> = async (
  app,
  { metrics, token },
) => {
  app.get(
    "/metrics",
    // The scrape token is not an API key: the auth hook leaves this route to check it.
    { config: { auth: "route" }, schema: { hide: true }, logLevel: "warn" },
    async (request, reply) => {
      if (!scrapeTokenMatches(request.headers.authorization, token)) {
        throw new ApiError("authentication_required", "send Authorization: Bearer <OZ_METRICS_TOKEN>");
      }
      return reply.type(METRICS_CONTENT_TYPE).send(await metrics.registry.metrics());
    },
  );
};
