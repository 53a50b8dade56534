import { SandboxError, type SandboxErrorCode } from "./port.ts";

/** Socket-level failures that mean the Docker daemon itself cannot be reached (not that a request was refused). */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOENT",
  "EACCES",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** The HTTP status of a failed Engine API call (404 no such container/image, 409 conflict, ...). */
export function dockerStatusOf(err: unknown): number | undefined {
  return (err as DockerodeError | null)?.statusCode;
}

/** The daemon's own explanation when it gave one, else the error's message. */
export function dockerReasonOf(err: unknown): string {
  const e = err as DockerodeError | null;
  return (e?.json?.message ?? e?.message ?? String(err)).trim();
}

export function isDaemonUnreachable(err: unknown): boolean {
  const code = (err as DockerodeError | null)?.code;
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/** Wraps any failure of a Docker call as a SandboxError; an unreachable daemon always reads as such. */
export function toSandboxError(err: unknown, code: SandboxErrorCode, what: string): SandboxError {
  if (err instanceof SandboxError) return err;
  if (isDaemonUnreachable(err)) {
    return new SandboxError("daemon_unavailable", `the Docker daemon is not reachable: ${dockerReasonOf(err)}`, {
      cause: err,
    });
  }
  return new SandboxError(code, `${what}: ${dockerReasonOf(err)}`, { cause: err });
}
