import { ApiError, ConnectionError, isProblem } from "./problem.ts";
import { httpRequest, type HttpResponse } from "./transport.ts";

export type QueryValue = string | number | boolean | undefined | null | readonly string[] | Record<string, string>;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no bearer key (public routes, signed download links). */
  anonymous?: boolean;
}

export interface ClientOptions {
  /** `…/api/v1`, no trailing slash. */
  baseUrl: string;
  apiKey?: string;
  userAgent: string;
  /** Where `--debug` writes each request and answer. */
  debug?: (line: string) => void;
}

/** Retries the server asks for (`x-should-retry: true`), like the official SDKs: at most two more attempts. */
const MAX_RETRIES = 2;

/** The Oz API over HTTP: bearer auth, the API's query encoding, problem documents as `ApiError`. */
export class ApiClient {
  constructor(private readonly options: ClientOptions) {}

  get baseUrl() {
    return this.options.baseUrl;
  }

  /** JSON (or plain text, e.g. the cancel answer) of a 2xx; `undefined` for 204. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) {
      response.body.resume(); // nothing to read, but the connection is only free once it has been read
      return undefined as T;
    }
    const text = await response.text();
    const type = response.header("content-type") ?? "";
    return (type.includes("json") && text ? JSON.parse(text) : text) as T;
  }

  /** The raw response of a 2xx (streams: SSE, downloads); anything else throws `ApiError`. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { "user-agent": this.options.userAgent, ...options.headers };
    if (this.options.apiKey && !options.anonymous) headers.authorization = `Bearer ${this.options.apiKey}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      this.options.debug?.(`→ ${method} ${url}`);
      let response: HttpResponse;
      try {
        response = await httpRequest(url, { method, headers, ...(body !== undefined && { body }) });
      } catch (error) {
        // Only reads are retried after a failed connection: a write may have been applied.
        if (method === "GET" && attempt < MAX_RETRIES) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw new ConnectionError(
          url.startsWith(this.options.baseUrl) ? this.options.baseUrl : new URL(url).origin,
          error,
        );
      }
      const elapsed = Math.round(performance.now() - started);
      this.options.debug?.(`← ${response.status} ${method} ${url} (${elapsed} ms)`);
      if (response.ok) return response;
      const text = await response.text();
      if (response.header("x-should-retry") === "true" && attempt < MAX_RETRIES) {
        await sleep(retryAfterMs(response.header("retry-after")) ?? backoffMs(attempt));
        continue;
      }
      throw new ApiError(response.status, parseProblem(text), method, url, text);
    }
  }

  /** Absolute URL of a path under the base URL (or of an absolute URL, e.g. a signed download link). */
  url(path: string, query?: Record<string, QueryValue>): string {
    const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(this.options.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) appendQuery(url.searchParams, key, value);
    return url.toString();
  }
}

/** Arrays as repeated keys, objects in bracket notation (`metadata[k]=v`), absent values left out. */
function appendQuery(params: URLSearchParams, key: string, value: QueryValue) {
  if (value === undefined || value === null || value === "") return;
  if (Array.isArray(value)) for (const item of value) params.append(key, item);
  else if (typeof value === "object") for (const [k, v] of Object.entries(value)) params.append(`${key}[${k}]`, v);
  else params.append(key, String(value));
}

function parseProblem(text: string) {
  try {
    const parsed: unknown = JSON.parse(text);
    return isProblem(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterMs(header: string | undefined): number | undefined {
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1000 : undefined;
}

const backoffMs = (attempt: number) => 500 * 2 ** attempt;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
