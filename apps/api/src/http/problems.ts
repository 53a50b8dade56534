import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ApiError, toProblem } from "@oz/errors";
import { isDatabaseUnavailable, isUnstorableValue } from "./database-errors.ts";

const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";

/** Sends an ApiError as `application/problem+json` with `x-should-retry` mirroring `retryable`. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: ApiError, typeBase: string) {
  const problem = toProblem(err, request.url.split("?")[0] ?? request.url, request.id, typeBase);
  if (err.retryAfterSeconds !== undefined) reply.header("retry-after", String(err.retryAfterSeconds));
  return reply
    .code(err.status)
    .header("content-type", PROBLEM_CONTENT_TYPE)
    .header("x-should-retry", String(err.retryable))
    .send(JSON.stringify(problem));
}

/** Every failure, whatever throws it, leaves the server as one RFC 7807 problem. */
export function toApiError(err: FastifyError | ApiError | Error): ApiError {
  if (err instanceof ApiError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? "body";
    const fields = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
      return `${path ? `${where}.${path}` : where}: ${v.message}`;
    });
    return new ApiError("invalid_request", fields.join("; "));
  }
  if (isDatabaseUnavailable(err)) {
    return new ApiError("resource_unavailable", "the database is temporarily unavailable; retry shortly", {
      status: 503,
      retryAfterSeconds: 2,
      cause: err,
    });
  }
  // A last line behind the route schemas: a value Postgres refuses (NUL, an int out of range) is the
  // caller's mistake, not a server fault the SDK should retry.
  if (isUnstorableValue(err)) {
    return new ApiError("invalid_request", "a value is out of range or contains characters that cannot be stored", {
      cause: err,
    });
  }
  const fastifyError = err as FastifyError;
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    // Fastify's own request errors: malformed JSON, oversized body, unsupported media type, bad URL, …
    return new ApiError("invalid_request", err.message, { status, cause: err });
  }
  return new ApiError("internal_error", undefined, { cause: err });
}

/**
 * Server options that turn errors Fastify and Node answer by themselves (bad URL encoding, a path parameter
 * over `maxParamLength`, oversized headers, unparsable HTTP) into problems too.
 */
export function problemServerOptions(
  typeBase: string,
): Pick<FastifyServerOptions, "frameworkErrors" | "clientErrorHandler"> {
  return {
    frameworkErrors: (err, request, reply) => sendProblem(reply, request, toApiError(err), typeBase),
    clientErrorHandler: (err, socket) => writeClientErrorProblem(err as NodeJS.ErrnoException, socket, typeBase),
  };
}

/** Node's HTTP parser refused the request before Fastify saw it: answer on the raw socket, then close it. */
function writeClientErrorProblem(err: NodeJS.ErrnoException, socket: Socket, typeBase: string) {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const detail =
    status === 431
      ? "the request's headers (or its URL) are too large"
      : status === 408
        ? "the request was not received in time"
        : "the request is not valid HTTP";
  const problem = toProblem(
    new ApiError("invalid_request", detail, { status }),
    undefined,
    randomUUID().replaceAll("-", ""),
    typeBase,
  );
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-should-retry: false\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Answers a request no route matched with a page of its own (the dashboard's "Page not found"), or declines. */
export type NotFoundPage = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> | undefined;

export function registerProblemHandlers(app: FastifyInstance, typeBase: string, notFoundPage?: NotFoundPage) {
  // Remember every route's pattern so an unknown method on a known path can be told apart from an unknown path.
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook("onRoute", (route) => {
    const pattern = new RegExp(`^${route.url.replace(/:[^/]+/g, "[^/]+").replace(/\*/g, ".*")}/?$`);
    for (const method of [route.method].flat()) routes.push({ method, pattern });
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = toApiError(err);
    if (apiError.status >= 500) request.log.error({ err }, "request failed");
    return sendProblem(reply, request, apiError, typeBase);
  });

  app.setNotFoundHandler((request, reply) => {
    const page = notFoundPage?.(request, reply);
    if (page) return page;
    const path = request.url.split("?")[0] ?? request.url;
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].filter(
      (m) => m !== "HEAD",
    );
    // A route of this very method matches the path's shape, yet the router refused it: a parameter is over
    // `maxParamLength` (the router does not always report that through frameworkErrors).
    const err = allowed.includes(request.method)
      ? new ApiError("invalid_request", "a path parameter is longer than any identifier", { status: 414 })
      : allowed.length > 0
        ? new ApiError("invalid_request", `${request.method} is not allowed on ${path}; use ${allowed.join(", ")}`, {
            status: 405,
            title: "Method not allowed.",
          })
        : new ApiError("resource_not_found", `no route ${request.method} ${path}`);
    if (err.status === 405) reply.header("allow", allowed.join(", "));
    return sendProblem(reply, request, err, typeBase);
  });
}
