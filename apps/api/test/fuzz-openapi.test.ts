import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordFileArtifact } from "@oz/artifacts";
import { rawHttp } from "./support/raw-http.ts";
import { startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// Generates hostile requests for every operation of our own OpenAPI document and checks the server's
// manners: never a 5xx, every error an RFC 7807 problem whose x-should-retry mirrors `retryable`, and every
// request answered within a deadline. Seeded, so a failure replays; bounded, so it runs in seconds.

const SEED = 20261203;
const REQUESTS_PER_OPERATION = 24;
const DEADLINE_MS = 5_000;
const BODY_LIMIT = 64 * 1024;

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
};
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  body?: Schema;
}

let server: TestServer;
let doc: { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, Schema> } };
/** Real ids of the caller's team, so generated requests also reach past the id checks. */
let valid: Record<string, string>;
/** The same kinds of ids, of the other team. */
let foreign: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ bodyLimit: BODY_LIMIT });
  doc = (await call(server, "GET", "/openapi.json")).json;
  const key = server.team.apiKey;
  const runId = await startRun(server, { prompt: "fuzz target" });
  const env = await call(server, "POST", "/agent/environments", { key, body: { name: "fuzz", docker_image: "x" } });
  const spareKey = await call(server, "POST", "/api-keys", { key, body: { name: "spare" } });
  await call(server, "POST", "/secrets", { key, body: { name: "FUZZ_SECRET", value: "hunter22" } });
  const artifact = await recordFileArtifact(server.database.db, server.blobs, {
    runId,
    teamId: server.team.teamId,
    filepath: "out.txt",
    content: Buffer.from("x"),
    isPublic: false,
  });
  valid = {
    runId,
    uid: env.json.uid,
    artifactUid: artifact.uid,
    name: "FUZZ_SECRET",
    agentUid: server.team.defaultAgentId,
    keyUid: spareKey.json.uid,
  };
  const theirRun = await startRun(server, { prompt: "theirs" }, server.otherTeam.apiKey);
  foreign = { runId: theirRun, uid: server.otherTeam.defaultAgentId, artifactUid: theirRun, name: "FUZZ_SECRET" };
});
afterAll(() => server.close());

function operations(): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const o = op as {
        parameters?: { in: string; name: string }[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      };
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!),
        queryParams: (o.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
        body: o.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  return ops;
}

const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(doc.components.schemas[schema.$ref.split("/").at(-1)!] ?? {}) : schema;

/** Values meant to break things: NUL, huge and negative numbers, wrong types, deep nesting, long text. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "a\u0000b",
    "\u0000",
    "",
    " ",
    "\ud800",
    "../../etc/passwd",
    "'; DROP TABLE runs; --",
    "x".repeat(20_000),
    -1,
    0,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 63,
    Number.MAX_SAFE_INTEGER,
    1e308,
    -1e308,
    0.5,
    true,
    null,
    [],
    {},
    [null],
    { "a\u0000": 1 },
    JSON.parse("[".repeat(200) + "]".repeat(200)),
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

function arbitraryFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const alternatives = s.anyOf ?? s.oneOf;
  let typed: fc.Arbitrary<unknown>;
  if (depth > 4) typed = nasty;
  else if (alternatives) typed = fc.oneof(...alternatives.map((a) => arbitraryFor(a, depth + 1)));
  else if (s.allOf) typed = arbitraryFor(s.allOf[0]!, depth + 1);
  else if (s.enum) typed = fc.constantFrom(...s.enum);
  else if (s.properties) {
    const entries = Object.entries(s.properties).map(([k, v]) => [k, arbitraryFor(v, depth + 1)] as const);
    typed = fc.record(Object.fromEntries(entries), { requiredKeys: [] });
  } else {
    const type = [s.type].flat()[0];
    typed =
      type === "string"
        ? fc.string({ maxLength: 30 })
        : type === "integer"
          ? fc.integer({ min: -5, max: 200 })
          : type === "number"
            ? fc.double({ noNaN: true })
            : type === "boolean"
              ? fc.boolean()
              : type === "array"
                ? fc.array(arbitraryFor(s.items ?? {}, depth + 1), { maxLength: 3 })
                : type === "object"
                  ? fc.dictionary(fc.string({ maxLength: 8 }), nasty, { maxKeys: 3 })
                  : nasty;
  }
  return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: nasty });
}

/** Already-encoded path segments and query values, including ones no encoder would produce. */
const badSegment = fc.constantFrom(
  "%00",
  "a%00b",
  "%E0%A4%A",
  "%ZZ",
  "%",
  "..%2F..%2Fetc",
  "-1",
  "0",
  "99999999999999999999999",
  "1e400",
  "NaN",
  "00000000-0000-0000-0000-000000000000",
  "AAAAAAAAAAAAAAAAAAAAAA",
  "%F0%9F%98%80",
  "a".repeat(101),
  "a".repeat(5_000),
);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Percent-encodes any value (lone surrogates become U+FFFD: a URL cannot carry them). */
const encoded = (v: unknown) =>
  encodeURIComponent((typeof v === "string" ? v : (JSON.stringify(v) ?? "")).replace(LONE_SURROGATE, "\ufffd"));

interface Generated {
  path: string;
  query: string;
  key: string | null;
  contentType?: string;
  body?: string;
}

function requestFor(op: Operation): fc.Arbitrary<Generated> {
  const segment = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(encodeURIComponent(valid[name] ?? "x")) },
      { weight: 1, arbitrary: fc.constant(encodeURIComponent(foreign[name] ?? "y")) },
      { weight: 3, arbitrary: badSegment },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(encoded) },
    );
  const pathArb = fc
    .tuple(...op.pathParams.map(segment))
    .map((segments) => op.path.replace(/\{(\w+)\}/g, () => segments.shift() ?? ""));
  const queryValue = fc.oneof(badSegment, nasty.map(encoded), fc.constant(""));
  const queryArb = fc
    .array(
      fc.tuple(
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...op.queryParams, "x") }, fc.constantFrom("a[b]", "%00")),
        queryValue,
      ),
      { maxLength: op.queryParams.length > 0 ? 4 : 1 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
  const keyArb = fc.oneof(
    { weight: 8, arbitrary: fc.constant(server.team.apiKey) },
    fc.constantFrom(null, "wk-nonsense", "wk-\u00e9", "x".repeat(300)),
  );
  const jsonBody = op.body ? arbitraryFor(op.body).map((v) => JSON.stringify(v) ?? "null") : fc.constant("{}");
  const bodyArb = fc.oneof(
    { weight: 6, arbitrary: jsonBody.map((body) => ({ contentType: "application/json", body })) },
    fc.constantFrom(
      { contentType: "application/json", body: "{" },
      { contentType: "application/json", body: '{"a":1,"a":2,"__proto__":{}}' },
      { contentType: "application/json", body: "\u0000" },
      { contentType: "application/json", body: `{"prompt":"${"x".repeat(BODY_LIMIT)}"}` },
      { contentType: "application/json; charset=latin1", body: "{}" },
      { contentType: "text/plain", body: "hello" },
      { contentType: "application/x-www-form-urlencoded", body: "a=b" },
      { contentType: "multipart/form-data; boundary=x", body: "--x--" },
      { contentType: "application/json", body: "" },
    ),
  );
  return fc.record({ path: pathArb, query: queryArb, key: keyArb, payload: bodyArb }).map((r) => ({
    path: r.path,
    query: r.query,
    key: r.key,
    ...(op.method !== "GET" && op.method !== "DELETE" ? r.payload : {}),
  }));
}

interface Failure {
  request: string;
  problem: string;
}

async function send(op: Operation, g: Generated): Promise<Failure | undefined> {
  const url = `${server.origin}${g.path}${g.query ? `?${g.query}` : ""}`;
  const label = `${op.method} ${url.slice(0, 200)} body=${(g.body ?? "").slice(0, 120)}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (g.key) headers.authorization = `Bearer ${g.key}`;
  if (g.contentType) headers["content-type"] = g.contentType;
  let res: Response;
  try {
    res = await fetch(url, { method: op.method, headers, body: g.body, signal: AbortSignal.timeout(DEADLINE_MS) });
  } catch (err) {
    if (err instanceof TypeError && /header|URL/i.test(String(err.message))) return undefined; // fetch refused to send
    return { request: label, problem: `no answer: ${(err as Error).message}` };
  }
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return undefined;
  }
  const text = await res.text();
  if (res.status >= 500) return { request: label, problem: `${res.status} ${text.slice(0, 300)}` };
  if (res.status < 400) return undefined;
  if (!type.startsWith("application/problem+json")) return { request: label, problem: `${res.status} as ${type}` };
  const problem = JSON.parse(text) as { status?: number; retryable?: boolean };
  if (problem.status !== res.status) return { request: label, problem: `status ${problem.status} ≠ ${res.status}` };
  if (res.headers.get("x-should-retry") !== String(problem.retryable)) {
    return { request: label, problem: `x-should-retry ${res.headers.get("x-should-retry")} for ${text}` };
  }
  return undefined;
}

describe("every operation of the OpenAPI document, fed hostile requests", () => {
  it("never answers 5xx, always with a problem, always in time", { timeout: 120_000 }, async () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(25);
    const failures: Failure[] = [];
    let sent = 0;
    for (const [i, op] of ops.entries()) {
      const samples = fc.sample(requestFor(op), { seed: SEED + i, numRuns: REQUESTS_PER_OPERATION });
      // A few at a time, like concurrent clients, without drowning a shared two-core machine.
      for (let j = 0; j < samples.length; j += 6) {
        const results = await Promise.all(samples.slice(j, j + 6).map((g) => send(op, g)));
        failures.push(...results.filter((f): f is Failure => f !== undefined));
      }
      sent += samples.length;
    }
    expect(sent).toBe(ops.length * REQUESTS_PER_OPERATION);
    expect(failures, JSON.stringify(failures.slice(0, 15), null, 1)).toEqual([]);
  });

  it("refuses what fetch cannot send — long paths, huge and broken headers — with problems", async () => {
    const requests = [
      `GET /api/v1/agent/runs/${"9".repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /api/v1/agent/runs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${"k".repeat(20_000)}\r\n\r\n`,
      `GET /api/v1/agent/runs HTTP/1.1\r\nHost: x\r\n${"X-A: b\r\n".repeat(3_000)}\r\n`,
      `GET /api/v1/agent/runs/%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /api/v1/agent/runs?limit=%E0%A4%A HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${"wk-x"}\r\n\r\n`,
      `POST /api/v1/agent/runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"a":`,
      `POST /api/v1/agent/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`,
      `GET /api/v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\n\r\n`,
      `GET /api/v1/agent/runs/\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    for (const request of requests) {
      const res = await rawHttp(server.origin, request, DEADLINE_MS);
      expect(res.status, request.slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(res.status, `${request.slice(0, 80)} → ${res.body}`).toBeLessThan(500);
      expect(res.headers["content-type"], request.slice(0, 80)).toMatch(/^application\/problem\+json/);
    }
  });
});
