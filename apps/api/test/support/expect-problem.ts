import { expect } from "vitest";

/** Asserts an RFC 7807 answer with this status and error code; `detail` must match if given. */
export function expectProblem(
  res: { status: number; headers: Headers; json?: { type?: string; detail?: string; retryable?: boolean } },
  status: number,
  code: string,
  detail?: string | RegExp,
) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.json?.type?.split("/").at(-1)).toBe(code);
  expect(res.headers.get("x-should-retry")).toBe(String(res.json?.retryable));
  if (detail !== undefined) expect(res.json?.detail).toMatch(detail);
  return res.json as { detail: string; retryable: boolean; status: number };
}
