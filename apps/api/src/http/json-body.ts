import type { FastifyInstance } from "fastify";
import secureJson from "secure-json-parse";

/**
 * JSON bodies, except that an empty body is "no body": the Python SDK sends `Content-Type: application/json`
 * with zero bytes on cancel/pause/resume.
 */
export function registerJsonBodyParser(app: FastifyInstance) {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: "error", constructorAction: "error" }));
    } catch (err) {
      const error = err as Error & { statusCode?: number };
      error.statusCode = 400;
      // V8 quotes part of the body in "Unexpected token" messages; the body may hold a secret value.
      error.message = `body is not valid JSON: ${error.message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "")}`;
      done(error, undefined);
    }
  });
}
