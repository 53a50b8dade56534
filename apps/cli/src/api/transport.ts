import type * as Http from "node:http";
import type { IncomingMessage, RequestOptions } from "node:http";
import { createRequire } from "node:module";

// CommonJS `require`, not `import`: importing node:http as an ES module enumerates its exports, and one of them
// is a getter that loads undici (the same cost as `fetch`).
const nodeRequire = createRequire(import.meta.url);

/** An answer as the client reads it: status, headers, and the body as text or as a stream. */
export interface HttpResponse {
  status: number;
  ok: boolean;
  header(name: string): string | undefined;
  text(): Promise<string>;
  /** The body as it arrives (SSE, downloads). */
  body: IncomingMessage;
}

/**
 * One HTTP request over node:http / node:https. Not `fetch`: loading undici costs every `oz` invocation about
 * 35 ms of CPU (bench/README.md, "cli-startup"), as much as parsing the rest of the CLI.
 */
export async function httpRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string },
): Promise<HttpResponse> {
  const target = new URL(url);
  const { request } = nodeRequire(target.protocol === "https:" ? "node:https" : "node:http") as typeof Http;
  const headers = { ...options.headers };
  if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
  const requestOptions: RequestOptions = { method: options.method, headers };
  return new Promise((resolve, reject) => {
    const req = request(target, requestOptions, (res) => {
      const status = res.statusCode ?? 0;
      resolve({
        status,
        ok: status >= 200 && status < 300,
        header: (name) => {
          const value = res.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        text: async () => {
          const chunks: Buffer[] = [];
          for await (const chunk of res) chunks.push(chunk as Buffer);
          return Buffer.concat(chunks).toString("utf8");
        },
        body: res,
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
