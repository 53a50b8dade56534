import type { Problem } from "@oz/contract";

/** An API failure as the user should read it: the problem's title and detail. */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly code: string | undefined;

  constructor(problem: Partial<Problem> & { status: number }) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.status = problem.status;
    this.title = problem.title ?? `The server answered ${problem.status}`;
    this.detail = problem.detail;
    this.code = problem.type?.split("/").at(-1) ?? problem.error;
  }
}

/** Any thrown value as a problem to show: network failures and bugs included, never a blank screen. */
export function problemOf(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof TypeError) {
    return new ApiProblem({ status: 0, title: "Cannot reach the server", detail: "Check your connection and retry." });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiProblem({ status: 0, title: "Something went wrong", detail: message });
}
