import type { FastifyInstance } from "fastify";
import { ApiError } from "@oz/errors";

/**
 * Postgres cannot store U+0000 in text, and no field of ours means anything with one: a NUL anywhere in the
 * path parameters, query or JSON body (values or keys) is a 400 naming the field, before any schema or
 * handler sees it — one check that no new route can forget.
 */
export function registerNulRefusal(app: FastifyInstance) {
  app.addHook("preValidation", async (request) => {
    for (const [where, value] of [
      ["params", request.params],
      ["querystring", request.query],
      ["body", request.body],
    ] as const) {
      const path = findNul(value);
      if (path !== undefined) {
        const field = path ? `${where}.${path}` : where;
        throw new ApiError("invalid_request", `${field}: must not contain NUL (\\u0000) characters`);
      }
    }
  });
}

const MAX_DEPTH = 64;

/** The dotted path of the first string (or key) holding a NUL, "" for the value itself, undefined if none. */
function findNul(value: unknown, depth = 0): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? "" : undefined;
  if (!value || typeof value !== "object") return undefined;
  if (depth > MAX_DEPTH) throw new ApiError("invalid_request", `nested more than ${MAX_DEPTH} levels deep`);
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("\u0000")) return JSON.stringify(key);
    const inner = findNul(item, depth + 1);
    if (inner !== undefined) return inner ? `${key}.${inner}` : key;
  }
  return undefined;
}
