import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRunRow, PrometheusScrape } from "@oz/testing";
import { expectProblem } from "./support/expect-problem.ts";
import { startRun } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

const TOKEN = `scrape-${randomUUID()}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ metricsToken: TOKEN });
});
afterAll(() => server?.close());

async function scrape(): Promise<PrometheusScrape> {
  const res = await fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return new PrometheusScrape(await res.text());
}

/** Scrapes until `check` passes: run and queue figures are read in the background every few seconds. */
async function scrapeUntil(check: (scrape: PrometheusScrape) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scraped = await scrape();
    if (check(scraped) || Date.now() > deadline) return scraped;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("GET /metrics on the API", () => {
  it("answers only the scrape token, not an API key or nothing", async () => {
    const anonymous = await call({ baseUrl: server.origin }, "GET", "/metrics");
    expectProblem(anonymous, 401, "authentication_required", /OZ_METRICS_TOKEN/);
    expect(anonymous.text).not.toContain("oz_");
    expectProblem(
      await call({ baseUrl: server.origin }, "GET", "/metrics", { key: server.team.apiKey }),
      401,
      "authentication_required",
    );
  });

  it("is not served at all when no scrape token is configured", async () => {
    const plain = await startTestServer();
    try {
      expect((await call({ baseUrl: plain.origin }, "GET", "/metrics", { key: TOKEN })).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it("is left out of the OpenAPI document", async () => {
    const document = await call(server, "GET", "/openapi.json");
    expect(Object.keys(document.json.paths)).not.toContain("/metrics");
  });

  it("labels request latency by route pattern and status, never by the raw URL or its query", async () => {
    const before = await scrape();
    const missingRun = randomUUID();
    const signature = `sig-${randomUUID()}`;
    await call(server, "GET", `/agent/runs/${missingRun}`, { key: server.team.apiKey });
    await call(server, "GET", `/agent/runs/${randomUUID()}?signature=${signature}`, { key: server.team.apiKey });
    await call(server, "GET", "/agent/runs?limit=5", { key: server.team.apiKey });
    await call({ baseUrl: server.origin }, "GET", `/no/such/${signature}`);

    const after = await scrape();
    const moved = (labels: Record<string, string>) =>
      after.histogramCount("oz_http_request_duration_seconds", labels) -
      before.histogramCount("oz_http_request_duration_seconds", labels);
    expect(moved({ method: "GET", route: "/api/v1/agent/runs/:runId", status_code: "404" })).toBe(2);
    expect(moved({ method: "GET", route: "/api/v1/agent/runs", status_code: "200" })).toBe(1);
    expect(moved({ route: "unmatched", status_code: "404" })).toBe(1);
    const routes = new Set(after.matching("oz_http_request_duration_seconds_count").map((s) => s.labels.route));
    expect(routes).toContain("/metrics");
    for (const value of after.labelValues()) {
      for (const secret of [missingRun, signature, TOKEN, server.team.apiKey]) expect(value).not.toContain(secret);
    }
  });

  it("counts open live transcript streams up and down", async () => {
    const runId = await startRun(server, {
      prompt: "stay queued",
      config: { harness: { type: "command", command: "true" } },
    });
    const baseline = (await scrape()).value("oz_run_event_stream_clients");
    const streams = await Promise.all(
      [1, 2].map(async () => {
        const controller = new AbortController();
        const res = await fetch(`${server.baseUrl}/agent/runs/${runId}/events/stream`, {
          headers: { authorization: `Bearer ${server.team.apiKey}`, accept: "text/event-stream" },
          signal: controller.signal,
        });
        expect(res.status).toBe(200);
        return { controller, body: res.body! };
      }),
    );
    expect(
      (await scrapeUntil((s) => s.value("oz_run_event_stream_clients") === baseline + 2)).value(
        "oz_run_event_stream_clients",
      ),
    ).toBe(baseline + 2);

    streams[0]!.controller.abort();
    await streams[0]!.body.cancel().catch(() => {});
    expect(
      (await scrapeUntil((s) => s.value("oz_run_event_stream_clients") === baseline + 1)).value(
        "oz_run_event_stream_clients",
      ),
    ).toBe(baseline + 1);
    streams[1]!.controller.abort();
    await streams[1]!.body.cancel().catch(() => {});
    expect(
      (await scrapeUntil((s) => s.value("oz_run_event_stream_clients") === baseline)).value(
        "oz_run_event_stream_clients",
      ),
    ).toBe(baseline);
  });

  it("reports runs in flight by state and harness, and the run queue's depth and oldest waiting job", async () => {
    const { db } = server.database;
    const teamId = server.otherTeam.teamId;
    const command = { harness: { type: "command", command: "true" } };
    for (let i = 0; i < 3; i++) await insertRunRow(db, teamId, { state: "INPROGRESS", agentConfig: command });
    await insertRunRow(db, teamId, { state: "CLAIMED", agentConfig: {} });
    await insertRunRow(db, teamId, { state: "SUCCEEDED", agentConfig: command });
    const queued = await startRun(server, { prompt: "wait for a worker", config: command });

    const scraped = await scrapeUntil(
      (s) =>
        s.value("oz_runs", { state: "INPROGRESS", harness: "command" }) === 3 &&
        s.value("oz_run_queue_jobs", { queue: "oz-runs", status: "waiting" }) >= 1,
    );
    expect(scraped.value("oz_runs", { state: "INPROGRESS", harness: "command" })).toBe(3);
    expect(scraped.value("oz_runs", { state: "CLAIMED", harness: "oz" })).toBe(1);
    expect(scraped.matching("oz_runs", { state: "BLOCKED" })).toEqual([]); // no run enters it: no series
    // Ended runs are not in flight: a counter of ended runs comes from the workers.
    expect(scraped.matching("oz_runs", { state: "SUCCEEDED" })).toEqual([]);
    expect(scraped.value("oz_runs", { state: "QUEUED" })).toBeGreaterThanOrEqual(1);
    expect(scraped.value("oz_run_queue_jobs", { queue: "oz-runs", status: "waiting" })).toBeGreaterThanOrEqual(1);
    expect(scraped.value("oz_run_queue_oldest_job_age_seconds", { queue: "oz-runs" })).toBeGreaterThanOrEqual(0);
    expect(scraped.labelValues()).not.toContain(queued);
  });
});
