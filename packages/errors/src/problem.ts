import type { ErrorCode, Problem } from "@oz/contract";
import type { ApiError } from "./api-error.ts";

/** Builds the RFC 7807 problem document of an error; `typeBase` is our public docs URL for errors. */
export function toProblem(err: ApiError, instance: string | undefined, traceId: string, typeBase: string): Problem {
  return {
    type: problemType(typeBase, err.code),
    title: err.title,
    status: err.status,
    ...(err.detail !== undefined && { detail: err.detail }),
    ...(instance !== undefined && { instance }),
    error: err.detail !== undefined ? `${err.title} (${err.detail})` : err.title,
    retryable: err.retryable,
    trace_id: traceId,
    ...err.extra,
  };
}

export const problemType = (typeBase: string, code: ErrorCode) => `${typeBase.replace(/\/$/, "")}/${code}`;

/** How clients derive the code: last non-empty path segment of `type`, `-` → `_`. */
export function codeOfProblemType(type: string): string {
  const segments = type.split("/").filter(Boolean);
  return (segments.at(-1) ?? "").replaceAll("-", "_");
}
