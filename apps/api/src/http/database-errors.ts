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

/** True when `test` holds for an error or anything in its `cause` chain (Prisma's adapter nests pg's error). */
export function someErrorInChain(err: unknown, test: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as ErrorLike;
  if (test(e)) return true;
  if (someErrorInChain(e.meta?.driverAdapterError, test, depth + 1)) return true;
  return someErrorInChain(e.cause, test, depth + 1);
}

export interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  meta?: { driverAdapterError?: unknown };
}

const hasCodeIn = (e: ErrorLike, codes: Set<string>) =>
  (typeof e.code === "string" && codes.has(e.code)) ||
  (typeof e.originalCode === "string" && codes.has(e.originalCode));

/** True when an error (or anything in its `cause` chain) means Postgres is unreachable: a 503, not a 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return someErrorInChain(
    err,
    (e) =>
      hasCodeIn(e, UNAVAILABLE_CODES) ||
      // Prisma's pg adapter: PrismaClientKnownRequestError.meta.driverAdapterError.cause.kind
      e.kind === "DatabaseNotReachable" ||
      e.kind === "ConnectionClosed" ||
      e.kind === "SocketTimeout" ||
      e.kind === "TooManyConnections" ||
      (typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message)),
  );
}

/** Postgres refusing a value itself: NUL in text, a number out of its column's range, an over-long index key. */
const UNSTORABLE_CODES = new Set([
  "22021", // character_not_in_repertoire (NUL in text)
  "22P05", // untranslatable_character
  "22003", // numeric_value_out_of_range
  "22P02", // invalid_text_representation
  "54000", // program_limit_exceeded (index row too large)
  "P2020", // Prisma: value out of range for the type
]);
const UNSTORABLE_MESSAGES = /invalid byte sequence for encoding|out of range for type|index row (size|requires)/i;

/** True when Postgres refused a value the caller sent: a 400, never a retryable 500. */
export function isUnstorableValue(err: unknown): boolean {
  return someErrorInChain(
    err,
    (e) => hasCodeIn(e, UNSTORABLE_CODES) || (typeof e.message === "string" && UNSTORABLE_MESSAGES.test(e.message)),
  );
}
