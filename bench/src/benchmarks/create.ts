import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import Fastify from "fastify";
import pg from "pg";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import { cpuMeter } from "../support/cpu.ts";
import { startApi } from "../support/platform.ts";
import { mean, ms, ratio } from "../support/stats.ts";

const CONNECTIONS = 50;
const ROUND_SECONDS = 5;
/** Baseline (B) and subject (S) rounds in ABBA order, so a drift in the machine's load hits both alike. */
const ORDER = ["B", "S", "S", "B", "B", "S"] as const;

const BODY = JSON.stringify({ prompt: "Summarise the open issues of this repository.", config: { name: "triage" } });

/**
 * `POST /api/v1/agent/runs` (authentication, validation, resolution, INSERT, enqueue in BullMQ)
 * against a bare Fastify route doing one plain INSERT into `runs` through pg on the same database, both at
 * 50 concurrent connections from autocannon in a worker thread (so the load generator does not share the
 * servers' event loop). No worker consumes the queue: only the API is measured.
 */
export const createBench: Benchmark = {
  name: "create",
  area: "api",
  budgetMs: 180_000,
  async run(log) {
    const server = await startApi();
    const baseline = await startBaselineServer(server.database.url, server.team.teamId);

    const subjectUrl = `${server.baseUrl}/agent/runs`;
    const subjectHeaders = { authorization: `Bearer ${server.team.apiKey}`, "content-type": "application/json" };
    const check = await fetch(subjectUrl, { method: "POST", headers: subjectHeaders, body: BODY });
    if (check.status !== 200) throw new Error(`the API refused the benchmark's run: ${await check.text()}`);

    const fire = (url: string, headers: Record<string, string>, seconds: number) =>
      autocannon({ url, method: "POST", headers, body: BODY, connections: CONNECTIONS, duration: seconds, workers: 1 });
    log("warming up both servers");
    await fire(baseline.url, { "content-type": "application/json" }, 2);
    await fire(subjectUrl, subjectHeaders, 3);

    const meter = await cpuMeter(server.database.url);
    onCleanup(() => meter.close());
    type Round = { rps: number; p50: number; p99: number; bad: number; nodeMs: number; postgresMs: number };
    const rounds: Record<"B" | "S", Round[]> = { B: [], S: [] };
    for (const side of ORDER) {
      const cpu = await meter.start();
      const result =
        side === "B"
          ? await fire(baseline.url, { "content-type": "application/json" }, ROUND_SECONDS)
          : await fire(subjectUrl, subjectHeaders, ROUND_SECONDS);
      const used = await cpu.stop();
      const round = {
        nodeMs: (used.self * 1000) / result.requests.total,
        postgresMs: (used.postgres * 1000) / result.requests.total,
        rps: result.requests.total / (result.duration || ROUND_SECONDS),
        p50: result.latency.p50,
        p99: result.latency.p99,
        bad: result.non2xx + result.errors + result.timeouts,
      };
      rounds[side].push(round);
      log(
        `${side === "B" ? "baseline" : "subject "} round: ${round.rps.toFixed(0)} req/s, p50 ${ms(round.p50)}, p99 ${ms(round.p99)}, ${round.bad} failed; CPU per request: node ${ms(round.nodeMs)}, Postgres ${ms(round.postgresMs)}`,
      );
    }

    const baseRps = mean(rounds.B.map((r) => r.rps));
    const subjectRps = mean(rounds.S.map((r) => r.rps));
    const throughputRatio = subjectRps / baseRps;
    const worstP99 = Math.max(...rounds.S.map((r) => r.p99));
    const failed = rounds.S.reduce((n, r) => n + r.bad, 0) + rounds.B.reduce((n, r) => n + r.bad, 0);
    return {
      target: "≥ 0.70 of baseline req/s, p99 < 100 ms",
      measured: `${ratio(throughputRatio)} of baseline, p99 ${ms(worstP99)}`,
      pass: throughputRatio >= 0.7 && worstP99 < 100 && failed === 0,
      details: [
        `subject  POST /agent/runs: ${subjectRps.toFixed(0)} req/s (mean of ${rounds.S.length} × ${ROUND_SECONDS} s), worst round p99 ${ms(worstP99)}`,
        `baseline plain INSERT route: ${baseRps.toFixed(0)} req/s, worst round p99 ${ms(Math.max(...rounds.B.map((r) => r.p99)))}`,
        `CPU per request (node = this process incl. the load generator; Postgres = this database's backends): ` +
          `subject node ${ms(mean(rounds.S.map((r) => r.nodeMs)))} + Postgres ${ms(mean(rounds.S.map((r) => r.postgresMs)))}, ` +
          `baseline node ${ms(mean(rounds.B.map((r) => r.nodeMs)))} + Postgres ${ms(mean(rounds.B.map((r) => r.postgresMs)))}`,
        `concurrency ${CONNECTIONS}; failed requests: ${failed}`,
      ],
    };
  },
};

/** A Fastify route that parses the same body and does one plain parameterised INSERT through pg. */
async function startBaselineServer(databaseUrl: string, teamId: string) {
  // The API's database pool has 10 connections (createTestDatabase): the baseline gets the same.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const app = Fastify({ logger: false });
  app.post("/baseline/runs", async (request) => {
    const { prompt } = request.body as { prompt: string };
    const id = randomUUID();
    await pool.query(
      `INSERT INTO runs (id, team_id, title, prompt, creator_kind, creator_id, executor_kind, executor_id,
                         agent_config, conversation_id)
       VALUES ($1, $2, $3, $4, 'user', 'bench', 'user', 'bench', '{}', $5)`,
      [id, teamId, prompt.slice(0, 80), prompt, randomUUID()],
    );
    return { run_id: id, task_id: id, state: "QUEUED" };
  });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  onCleanup(async () => {
    await app.close();
    await pool.end();
  });
  return { url: `${address}/baseline/runs` };
}
