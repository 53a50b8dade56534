import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { METRICS_CONTENT_TYPE, scrapeTokenMatches, type Registry } from "@oz/metrics";

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

export interface MetricsServer {
  /** The port it listens on (the one picked by the system when asked for 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * The worker's only HTTP server: `GET /metrics` in Prometheus' text format, nothing else. A port already taken
 * (another worker on this host) fails the start with a message saying so.
 */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = request.url?.split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") return answer(response, 404, "not found\n");
    if (options.token && !scrapeTokenMatches(request.headers.authorization, options.token)) {
      response.setHeader("www-authenticate", 'Bearer realm="metrics"');
      return answer(response, 401, "send Authorization: Bearer <OZ_METRICS_TOKEN>\n");
    }
    options.registry.metrics().then(
      (text) => answer(response, 200, text, METRICS_CONTENT_TYPE),
      () => answer(response, 500, "metrics could not be collected\n"),
    );
  });
  await listen(server, options);
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(response: ServerResponse, status: number, body: string, type = "text/plain") {
  response.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function listen(server: Server, { port, host }: MetricsServerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EADDRINUSE") return reject(err);
      reject(
        new Error(
          `OZ_WORKER_METRICS_PORT ${port} is already in use on ${host} (another worker on this host?): give each ` +
            "worker its own port, or 0 for any free one",
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
}
