/** Codes by which pg, Node and Prisma's pg adapter say "the database cannot be reached right now". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08006",
  "P1001",
  "P1002",
  "P1017",
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;

/** True when an error (or anything in its `cause` chain) means Postgres is unreachable: a 503, not a 500. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    originalCode?: unknown;
    kind?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.originalCode === "string" && UNAVAILABLE_CODES.has(e.originalCode)) return true;
  // Prisma's pg adapter: PrismaClientKnownRequestError.meta.driverAdapterError.cause.kind
  if (
    e.kind === "DatabaseNotReachable" ||
    e.kind === "ConnectionClosed" ||
    e.kind === "SocketTimeout" ||
    e.kind === "TooManyConnections"
  )
    return true;
  if (isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1)) return true;
  if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
