import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { createApiMetrics, METRICS_CONTENT_TYPE, scrapeTokenMatches } from "@oz/metrics";
import { PrometheusScrape } from "@oz/testing";
import { countRunsInFlight } from "../../../apps/api/test/support/internals.ts";
import type { TestServer } from "../../../apps/api/test/support/test-server.ts";
import type { Benchmark } from "../support/benchmark.ts";
import { alternatingRequests } from "../support/alternating-requests.ts";
import { onCleanup } from "../support/cleanup.ts";
import { createCommandRun, startApi } from "../support/platform.ts";
import { describeLatencies, median, ms, percentile, ratio } from "../support/stats.ts";

/** Ended runs already in the table: the history a running installation has, which in-flight counts must not scan. */
const HISTORY_RUNS = 300_000;
/** Runs created through the API and left QUEUED (each a waiting job: no worker consumes the queue). */
const QUEUED_RUNS = 600;
/** Runs put straight into the other states not yet ended, spread over them and over three harnesses. */
const OTHER_IN_FLIGHT_RUNS = 400;
const SAMPLES = 2_000;
const TARGET_P99_MS = 5;
const BASELINE_PATH = "/bench/same-bytes";

/**
 * `GET /metrics` on the real API (production's registry, process metrics included) with 1,000 runs in flight
 * (600 QUEUED with a waiting job each, 400 in the other unended states) over 300,000 ended runs. Baseline: a route
 * in the same app that checks the same bearer token and answers the last scrape's text, stored — the same bytes
 * through the same hooks, so the ratio is what collecting the metrics costs. Requests alternate, one at a time
 * (as Prometheus scrapes), timed by a client in a thread of its own, as a scraper is another process.
 */
export const scrapeBench: Benchmark = {
  name: "scrape",
  area: "api",
  budgetMs: 600_000,
  async run(log) {
    const token = `bench-scrape-${randomUUID()}`;
    let stored = "";
    const serverTimes = new Map<string, number[]>();
    const server = await startApi({
      deps: { metricsToken: token, metrics: createApiMetrics() },
      beforeListen: (app) => {
        addBaselineRoute(app, token, () => stored);
        timeServer(app, serverTimes);
      },
    });
    const sql = new pg.Client({ connectionString: server.database.url });
    await sql.connect();
    onCleanup(() => sql.end());

    // The runs in flight first: a create counts the team's runs in progress, which is slow behind a long history.
    let started = Date.now();
    await seedInFlight(sql, server);
    log(`1,000 runs in flight (${QUEUED_RUNS} through the API) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    await seedHistory(sql, server);
    log(`seeded ${HISTORY_RUNS.toLocaleString("en")} ended runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const scrape = () =>
      fetch(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then(async (res) => {
        if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
        return res.text();
      });
    // The gauges are read in the background: wait for a reading that has every run and job.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const scraped = new PrometheusScrape(await scrape());
      const inFlight = scraped.value("oz_runs");
      const waiting = scraped.value("oz_run_queue_jobs", { status: "waiting" });
      if (inFlight === QUEUED_RUNS + OTHER_IN_FLIGHT_RUNS && waiting === QUEUED_RUNS) break;
      if (Date.now() > deadline)
        throw new Error(`the scrape shows ${inFlight} runs in flight, ${waiting} jobs waiting`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    stored = await scrape();
    log(`a scrape: ${(Buffer.byteLength(stored) / 1024).toFixed(1)} KiB, ${stored.split("\n").length} lines`);

    const times = await alternatingRequests({
      origin: server.origin,
      headers: { authorization: `Bearer ${token}` },
      paths: ["/metrics", BASELINE_PATH],
      warmupRounds: 100,
      rounds: SAMPLES,
      mustInclude: "oz_runs{",
    });
    const subject = times["/metrics"]!;
    const baseline = times[BASELINE_PATH]!;

    const queryTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await countRunsInFlight(server.database.db);
      queryTimes.push(performance.now() - t0);
    }
    // For scale: the same count with the states compared as text, which no index serves (a scan of every run).
    const scanTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await sql.query(
        `SELECT state::text, count(*) FROM runs
          WHERE state::text = ANY(ARRAY['QUEUED','PENDING','CLAIMED','INPROGRESS']) GROUP BY 1`,
      );
      scanTimes.push(performance.now() - t0);
    }
    const { rows: plan } = await sql.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT state, count(*) FROM runs
        WHERE state = ANY(ARRAY['QUEUED','PENDING','CLAIMED','INPROGRESS']::"RunState"[]) GROUP BY 1`,
    );

    const p99 = percentile(subject, 99);
    const serverMetrics = serverTimes.get("/metrics") ?? [];
    return {
      target: `GET /metrics p99 ≤ ${TARGET_P99_MS} ms with 1,000 runs in flight`,
      measured: `p99 ${ms(p99)}; ${ratio(median(subject) / median(baseline))}× p50 / ${ratio(p99 / percentile(baseline, 99))}× p99 of the same bytes served stored`,
      pass: p99 <= TARGET_P99_MS,
      details: [
        `GET /metrics (client):        ${describeLatencies(subject)}`,
        `same bytes, stored (client):  ${describeLatencies(baseline)}`,
        `GET /metrics (server time):   ${describeLatencies(serverMetrics)}`,
        `same bytes (server time):     ${describeLatencies(serverTimes.get(BASELINE_PATH) ?? [])}`,
        `in-flight count query (background, every 5 s): ${describeLatencies(queryTimes)}`,
        `the same count comparing states as text (no index): ${describeLatencies(scanTimes)}`,
        `its plan: ${plan.map((row) => row["QUERY PLAN"].trim()).join(" | ")}`,
      ],
    };
  },
};

/** The baseline: the bearer check and the stored bytes of a scrape, with the scrape's content type. */
function addBaselineRoute(app: FastifyInstance, token: string, text: () => string) {
  app.get(BASELINE_PATH, { config: { auth: "route" }, schema: { hide: true } }, async (request, reply) => {
    if (!scrapeTokenMatches(request.headers.authorization, token)) return reply.code(401).send();
    return reply.type(METRICS_CONTENT_TYPE).send(text());
  });
}

/** Fastify's own server time (routing to the last byte handed to the socket) of both routes. */
function timeServer(app: FastifyInstance, times: Map<string, number[]>) {
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === "/metrics" || route === BASELINE_PATH) {
      if (!times.has(route)) times.set(route, []);
      times.get(route)!.push(reply.elapsedTime);
    }
  });
}

/** Ended runs of the measured team, one INSERT … SELECT generate_series; then the statistics are brought up to date. */
async function seedHistory(sql: pg.Client, server: TestServer) {
  await sql.query(
    `INSERT INTO runs (id, team_id, title, prompt, state, creator_kind, creator_id, executor_kind, executor_id,
                       agent_config, conversation_id, created_at, updated_at)
     SELECT gen_random_uuid(), $1, 'Run ' || g, 'Task ' || g,
            (ARRAY['SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED','CANCELLED'])[g % 5 + 1]::"RunState",
            'user', $2, 'user', $2, '{"harness":{"type":"command","command":"true"}}', gen_random_uuid(),
            now() - g * interval '1 second', now() - g * interval '1 second'
       FROM generate_series(1, ${HISTORY_RUNS}) g`,
    [server.team.teamId, server.team.userId],
  );
  await sql.query(`VACUUM ANALYZE runs`);
}

/** 600 runs created through the API (QUEUED, a job each) and 400 rows in the other states not yet ended. */
async function seedInFlight(sql: pg.Client, server: TestServer) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < QUEUED_RUNS) {
        next += 1;
        await createCommandRun(server, "true");
      }
    }),
  );
  await sql.query(
    `INSERT INTO runs (id, team_id, title, prompt, state, creator_kind, creator_id, executor_kind, executor_id,
                       agent_config, conversation_id)
     SELECT gen_random_uuid(), $1, 'Run ' || g, 'Task ' || g,
            (ARRAY['PENDING','CLAIMED','INPROGRESS','INPROGRESS'])[g % 4 + 1]::"RunState",
            'user', $2, 'user', $2,
            (ARRAY['{}', '{"harness":{"type":"command","command":"true"}}', '{"harness":{"type":"claude"}}'])[g % 3 + 1]::jsonb,
            gen_random_uuid()
       FROM generate_series(1, ${OTHER_IN_FLIGHT_RUNS}) g`,
    [server.team.teamId, server.team.userId],
  );
}
