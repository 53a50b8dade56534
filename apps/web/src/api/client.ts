import { CSRF_HEADER } from "@oz/contract";
import { ApiProblem } from "./problem.ts";

export const API_BASE = "/api/v1";

export type QueryValue = string | number | boolean | undefined | null | readonly string[];

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** `a=1&state=X&state=Y`: arrays repeat their key, empty values are left out. */
export function queryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * Calls the API with the session cookie. State-changing requests carry the CSRF header, which the server demands
 * of cookie-authenticated writes. Non-2xx answers throw an ApiProblem.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (method !== "GET") headers[CSRF_HEADER] = "1";
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(`${API_BASE}${path}${queryString(options.query)}`, {
    method,
    headers,
    body,
    credentials: "same-origin",
    signal: options.signal,
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  const parsed: unknown = type.includes("json") && text ? JSON.parse(text) : text;
  if (!res.ok) {
    const problem = typeof parsed === "object" && parsed ? parsed : { detail: text || undefined };
    throw new ApiProblem({ ...problem, status: res.status });
  }
  return parsed as T;
}
