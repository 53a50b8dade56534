import type { FastifyServerOptions } from "fastify";

type LoggerOption = FastifyServerOptions["logger"];

/** The setup and invitation links carry their secret as `?token=`: request logs show `token=[REDACTED]`. */
export const redactTokenParam = (url: string): string => url.replace(/([?&]token=)[^&#]*/gi, "$1[REDACTED]");

/** Fastify's request serializer, with link tokens redacted from the URL. */
function serializeRequest(request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: request.method,
    url: redactTokenParam(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** The logger option with requests serialized through `serializeRequest`; `false` stays off. */
export function redactLinkTokens(logger: LoggerOption): LoggerOption {
  if (!logger) return logger;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: serializeRequest } };
}
