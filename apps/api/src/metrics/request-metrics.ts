import type { FastifyInstance } from "fastify";
import type { ApiMetrics } from "@oz/metrics";

/**
 * Times every answered request into `oz_http_request_duration_seconds`, labelled by the route's pattern
 * (`/api/v1/agent/runs/:runId`): never the raw URL, whose ids and query strings (signatures, tokens) would make
 * unbounded and sensitive label values. Requests no route matched share `route="unmatched"`. A streamed answer
 * that hijacks the reply (SSE) is counted by the stream gauge instead.
 */
export function recordRequestLatency(app: FastifyInstance, metrics: Pick<ApiMetrics, "httpRequests">): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.httpRequests.observe(
      {
        method: request.method,
        route: request.is404 ? "unmatched" : (request.routeOptions.url ?? "unmatched"),
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
