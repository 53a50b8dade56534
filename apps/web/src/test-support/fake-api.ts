import {
  AgentListEnvironmentsResponse,
  AgentRunResponse,
  ListAgentIdentitiesResponse,
  ListSecretsResponse,
  ListTeamMembersResponse,
  ModelList,
  RunItem,
  RunsPage,
  SecretItem,
  SessionResponse,
} from "@oz/contract";
import { vi } from "vitest";

/**
 * What the real API answers on each route, by the contract's schemas: a fake answer that drifted from the
 * contract fails the test that gave it, instead of testing the dashboard against a server that does not exist.
 */
type Schema = { safeParse(value: unknown): { success: boolean; error?: { message: string } } };
const CONTRACT: [method: string, path: RegExp, schema: Schema][] = [
  ["GET", /^\/api\/v1\/auth\/session$/, SessionResponse],
  ["GET", /^\/api\/v1\/agent\/runs$/, RunsPage],
  ["POST", /^\/api\/v1\/agent\/runs$/, AgentRunResponse],
  ["GET", /^\/api\/v1\/agent\/runs\/[^/]+$/, RunItem],
  ["GET", /^\/api\/v1\/agent\/environments$/, AgentListEnvironmentsResponse],
  ["GET", /^\/api\/v1\/agent\/identities$/, ListAgentIdentitiesResponse],
  ["GET", /^\/api\/v1\/team\/members$/, ListTeamMembersResponse],
  ["GET", /^\/api\/v1\/models$/, ModelList],
  ["GET", /^\/api\/v1\/secrets$/, ListSecretsResponse],
  ["PUT", /^\/api\/v1\/secrets\/[^/]+$/, SecretItem],
];

/** Throws when `body` is not what the contract says `METHOD path` answers. */
export function checkAgainstContract(method: string, path: string, body: unknown) {
  const entry = CONTRACT.find(([m, p]) => m === method && p.test(path));
  if (!entry) return;
  const parsed = entry[2].safeParse(body);
  if (!parsed.success) {
    throw new Error(`fake answer to ${method} ${path} breaks the contract: ${parsed.error?.message}`);
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: Headers;
}

type Handler = (req: RecordedRequest) => unknown;

export const SIGNED_IN: SessionResponse = {
  user: { uid: "U1aaaaaaaaaaaaaaaaaaaa", email: "ada@example.com", display_name: "Ada", role: "admin" },
  team: { uid: "T1aaaaaaaaaaaaaaaaaaaa", name: "Acme" },
};

/**
 * Stands in for the server at the network boundary: `fetch` answers from a table of `METHOD /path` handlers
 * (JSON 200) and records every request, so a test can assert what the dashboard asked the API.
 */
export function fakeApi(handlers: Record<string, Handler>) {
  const requests: RecordedRequest[] = [];
  const routes: Record<string, Handler> = {
    "GET /api/v1/auth/session": () => SIGNED_IN,
    "GET /api/v1/agent/identities": () => ({ agents: [] }),
    "GET /api/v1/agent/environments": () => ({ environments: [] }),
    "GET /api/v1/team/members": () => ({ members: [] }),
    ...handlers,
  };
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://dashboard.test");
    const method = init.method ?? "GET";
    const req: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      headers: new Headers(init.headers),
    };
    requests.push(req);
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) {
      return new Response(
        JSON.stringify({ title: "Resource not found.", status: 404, detail: `no fake for ${method} ${url.pathname}` }),
        {
          status: 404,
          headers: { "content-type": "application/problem+json" },
        },
      );
    }
    const result = handler(req);
    if (result instanceof Response) return result;
    checkAgainstContract(method, url.pathname, result);
    return new Response(JSON.stringify(result), { status: 200, headers: { "content-type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetchStub);
  return {
    requests,
    /** Requests to one path, oldest first. */
    to: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  };
}

export const problemResponse = (status: number, title: string, detail: string, code: string) =>
  new Response(JSON.stringify({ type: `http://oz.test/docs/errors/${code}`, title, status, detail, error: title }), {
    status,
    headers: { "content-type": "application/problem+json" },
  });
