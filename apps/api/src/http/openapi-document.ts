import { STATUS_CODES } from "node:http";

/** The parts of an OpenAPI document this module edits. */
interface Operation {
  operationId?: string;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
}
type Paths = Record<string, Record<string, Operation>>;

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

/**
 * `GET /api/v1/agent/runs/{runId}/log` → `getAgentRunsByRunIdLog`: a stable, unique name for an operation that
 * did not name itself, so generated clients get readable method names.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? `by-${param[1]}` : segment;
    })
    .join("-")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join("");
}

/**
 * Finishes the generated document: every operation gets an operationId, every response a description in words
 * (not "Default Response"), and every error response is declared as what the server sends, an RFC 7807
 * `application/problem+json` document.
 */
export function finishOpenApiDocument<T extends { paths?: unknown }>(document: T): T {
  const paths = (document.paths ?? {}) as Paths;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || typeof operation !== "object" || operation === null) continue;
      operation.operationId ??= operationIdOf(method, path);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const code = Number(status);
        if (!response.description || response.description === "Default Response") {
          response.description =
            code >= 400 ? `${STATUS_CODES[code] ?? "Error"}: a problem document` : (STATUS_CODES[code] ?? "Response");
        }
        if (code >= 400 && response.content?.["application/json"]) {
          response.content = { "application/problem+json": response.content["application/json"] };
        }
      }
    }
  }
  return document;
}
