import type { ErrorCode } from "@oz/contract";
import { ERROR_CATALOGUE, type CatalogueEntry } from "./catalogue.ts";

export interface ApiErrorOptions {
  /** Override of the catalogue's HTTP status (e.g. `resource_unavailable` is 503 when a dependency is down). */
  status?: number;
  /** Override of the catalogue's title, for codes whose title names the failing constraint. */
  title?: string;
  retryable?: boolean;
  /** Seconds the client should wait before retrying (sent as `Retry-After`). */
  retryAfterSeconds?: number;
  /** Extra problem members (`provider`, `auth_url`, …). */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error type for anything a user will see: a catalogue code plus what happened. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly entry: CatalogueEntry;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, options: ApiErrorOptions = {}) {
    super(detail ?? ERROR_CATALOGUE[code].title, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.entry = ERROR_CATALOGUE[code];
    this.status = options.status ?? this.entry.status;
    this.title = options.title ?? this.entry.title;
    this.detail = detail;
    this.retryable = options.retryable ?? this.entry.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extra = options.extra;
  }
}

export const notFound = (what: string, id: string) => new ApiError("resource_not_found", `${what} ${id} not found`);
export const invalid = (detail: string) => new ApiError("invalid_request", detail);
export const forbidden = (detail: string) => new ApiError("not_authorized", detail);
