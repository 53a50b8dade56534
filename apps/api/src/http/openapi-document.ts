import { STATUS_CODES } from "node:http";
import { OPERATION_EXAMPLES, problemExampleRefs, problemExamples } from "./openapi-examples.ts";

/** The parts of an OpenAPI document this module edits. */
interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}
type MediaType = {
  schema?: unknown;
  examples?: Record<string, { summary?: string; value: unknown } | { $ref: string }>;
};
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
 * `application/problem+json` document, with an example of each error code of its status. `problemTypeBase` is
 * where problem `type` URIs point (`<OZ_PUBLIC_URL>/docs/errors`).
 */
export function finishOpenApiDocument<T extends { paths?: unknown; components?: unknown }>(
  document: T,
  problemTypeBase: string,
): T {
  const paths = (document.paths ?? {}) as Paths;
  const components = (document.components ?? {}) as { examples?: Record<string, unknown> };
  components.examples = { ...components.examples, ...problemExamples(problemTypeBase) };
  document.components = components;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || typeof operation !== "object" || operation === null) continue;
      operation.operationId ??= operationIdOf(method, path);
      const examples = OPERATION_EXAMPLES[`${method} ${path}`];
      const requestBody = operation.requestBody?.content?.["application/json"];
      if (examples?.request && requestBody) requestBody.examples = { example: examples.request };
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const code = Number(status);
        if (!response.description || response.description === "Default Response") {
          response.description =
            code >= 400 ? `${STATUS_CODES[code] ?? "Error"}: a problem document` : (STATUS_CODES[code] ?? "Response");
        }
        if (code >= 400 && response.content?.["application/json"]) {
          const problem = response.content["application/json"];
          const errorExamples = problemExampleRefs(code);
          if (Object.keys(errorExamples).length > 0) problem.examples = errorExamples;
          response.content = { "application/problem+json": problem };
        }
        const success = response.content?.["application/json"];
        if (code === 200 && examples?.response && success) success.examples = { example: examples.response };
      }
    }
  }
  return document;
}
