import type { Problem } from "@oz/contract";

/** The machine-readable code of a problem: the last path segment of `type`, hyphens as underscores. */
export function problemCode(problem: Pick<Problem, "type">): string {
  const segments = problem.type.split("/").filter((s) => s.length > 0);
  return (segments.at(-1) ?? "unknown").replaceAll("-", "_");
}

/** An error answer of the API, with its problem document (RFC 7807) when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly method: string,
    readonly url: string,
    readonly body: string,
  ) {
    super(problem ? problemLine(problem) : `HTTP ${status} from ${method} ${url}`);
  }

  get code(): string | undefined {
    return this.problem ? problemCode(this.problem) : undefined;
  }
}

/** One line a person can act on: the detail (or title), then code, status and trace id. */
export function problemLine(problem: Problem): string {
  const what = problem.detail ?? problem.title;
  const facts = [problemCode(problem), String(problem.status)];
  if (problem.trace_id) facts.push(`trace_id ${problem.trace_id}`);
  return `${what} (${facts.join(", ")})`;
}

/** The server could not be reached at all (refused, DNS, TLS, reset). */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Could not reach ${url}: ${describeCause(cause)}`, { cause });
  }
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as { cause?: unknown }).cause;
    if (inner instanceof Error) return (inner as { code?: string }).code ?? inner.message;
    return cause.message;
  }
  return String(cause);
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).type === "string" &&
    typeof (value as Problem).status === "number"
  );
}
