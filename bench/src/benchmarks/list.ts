import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import pg from "pg";
import { ListRunsQuery } from "@oz/contract";
import { cursorFingerprint, encodeCursor, runFiltersOf } from "../../../apps/api/test/support/internals.ts";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import { startApi } from "../support/platform.ts";
import { describeLatencies, median, ms, percentile, ratio } from "../support/stats.ts";

const TOTAL_RUNS = 1_000_000;
/** The measured team's share; the rest is spread over OTHER_TEAMS teams. */
const TEAM_RUNS = 400_000;
const OTHER_TEAMS = 49;
const STATE = "SUCCEEDED";
const LIMIT = 20;
/** Page numbers measured: the first page, a shallow one and a deep one. */
const DEPTHS = [1, 100, 10_000];
/** Consecutive pages measured at each depth, so not every request reads the very same rows. */
const PAGES_PER_DEPTH = 10;
const SAMPLES = 300;

/**
 * `GET /api/v1/agent/runs?state=…&limit=20` over 1,000,000 runs at cursor depths 1, 100 and 10,000
 * pages: server time (Fastify's `reply.elapsedTime` in an onResponse hook, from routing to the last byte
 * written) against the raw keyset query through pg (same WHERE, ORDER BY and LIMIT), requests alternating.
 */
export const listBench: Benchmark = {
  name: "list",
  area: "api",
  budgetMs: 900_000,
  async run(log) {
    const serverTimes = new Map<string, number>();
    const phases = new Map<string, number[]>();
    const server = await startApi({ beforeListen: (app) => timeRequests(app, serverTimes, phases) });
    const sql = new pg.Client({ connectionString: server.database.url });
    await sql.connect();
    onCleanup(() => sql.end());

    const started = Date.now();
    await seedRuns(sql, server.team.teamId, server.team.userId);
    log(`seeded ${TOTAL_RUNS.toLocaleString("en")} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const query = ListRunsQuery.parse({ state: STATE, limit: String(LIMIT) });
    const fingerprint = cursorFingerprint({
      filters: runFiltersOf(query),
      sort_by: query.sort_by,
      sort_order: query.sort_order,
    });
    const visible = `r.team_id = $1 AND (r.owner_user_id IS NULL OR r.owner_user_id = $2) AND r.state = CAST($3 AS "RunState")`;
    const order = `ORDER BY r.updated_at DESC, r.id DESC`;
    const baseParams = [server.team.teamId, server.team.userId, STATE];

    const verdicts: boolean[] = [];
    const details: string[] = [];
    let worstP99 = 0;
    let worstRatio = 0;
    for (const depth of DEPTHS) {
      // The position a client reaches after walking `page - 1` pages: the last run of the page before.
      const pages = depth === 1 ? [1] : Array.from({ length: PAGES_PER_DEPTH }, (_, i) => depth + i);
      const positions = [];
      for (const page of pages) {
        positions.push(
          await (async () => {
            if (page === 1) return { cursor: undefined, rawTail: "", rawParams: baseParams, firstId: undefined };
            const { rows } = await sql.query<{ updated_at: Date; id: string }>(
              `SELECT r.updated_at, r.id FROM runs r WHERE ${visible} ${order} OFFSET $4 LIMIT 2`,
              [...baseParams, (page - 1) * LIMIT - 1],
            );
            const [last, first] = rows;
            if (!last || !first) throw new Error(`the seeded team has fewer than ${page} pages`);
            return {
              cursor: encodeCursor({ key: last.updated_at.toISOString(), runId: last.id }, fingerprint),
              rawTail: ` AND (r.updated_at, r.id) < ($4, $5)`,
              rawParams: [...baseParams, last.updated_at, last.id],
              firstId: first.id,
            };
          })(),
        );
      }

      const apiTimes: number[] = [];
      const rawTimes: number[] = [];
      for (let i = -30; i < SAMPLES; i++) {
        const position = positions[((i % positions.length) + positions.length) % positions.length]!;
        const url = `${server.baseUrl}/agent/runs?state=${STATE}&limit=${LIMIT}${position.cursor ? `&cursor=${position.cursor}` : ""}`;
        const tag = `list-${depth}-${i}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${server.team.apiKey}`, "x-bench-id": tag } });
        const body = (await res.json()) as { runs?: { run_id: string }[] };
        if (res.status !== 200 || body.runs?.length !== LIMIT)
          throw new Error(`list failed: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        if (position.firstId && body.runs[0]!.run_id !== position.firstId)
          throw new Error(`page at depth ${depth} starts at the wrong run`);
        const serverMs = await recorded(serverTimes, tag);

        const t0 = performance.now();
        const raw = await sql.query(
          `SELECT r.* FROM runs r WHERE ${visible}${position.rawTail} ${order} LIMIT ${LIMIT + 1}`,
          position.rawParams,
        );
        const rawMs = performance.now() - t0;
        if (raw.rows.length !== LIMIT + 1) throw new Error("the raw query found too few runs");
        if (i >= 0) {
          apiTimes.push(serverMs);
          rawTimes.push(rawMs);
        }
      }
      const p99 = percentile(apiTimes, 99);
      const p50Ratio = median(apiTimes) / median(rawTimes);
      const p99Ratio = p99 / percentile(rawTimes, 99);
      worstP99 = Math.max(worstP99, p99);
      worstRatio = Math.max(worstRatio, p50Ratio);
      verdicts.push(p99 <= 15 && p50Ratio <= 2);
      details.push(
        `page ${depth.toLocaleString("en")}: API server time ${describeLatencies(apiTimes)}`,
        `page ${depth.toLocaleString("en")}: raw keyset SQL    ${describeLatencies(rawTimes)} → ratio p50 ${ratio(p50Ratio)}, p99 ${ratio(p99Ratio)}`,
      );
    }
    details.push(
      `where the server time goes (p50 of every request, ms since routing): ${[...phases]
        .map(([name, at]) => `${name} ${median(at).toFixed(2)}`)
        .join(" → ")} → response sent`,
    );
    return {
      target: "server time p99 ≤ 15 ms and ≤ 2× the raw keyset query, at any depth",
      measured: `worst p99 ${ms(worstP99)}, worst p50 ratio ${ratio(worstRatio)}`,
      pass: verdicts.every(Boolean),
      details,
    };
  },
};

/** Records each tagged request's server time; read back by the tag once the hook has run. */
function timeRequests(app: FastifyInstance, times: Map<string, number>, phases: Map<string, number[]>) {
  const phase = (name: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    if (typeof request.headers["x-bench-id"] === "string")
      phases.set(name, [...(phases.get(name) ?? []), reply.elapsedTime]);
  };
  // Added after the API's own hooks, so these run after them: "authenticated" follows the auth hook.
  app.addHook("onRequest", phase("authenticated"));
  app.addHook("preSerialization", phase("handler done"));
  app.addHook("onResponse", async (request, reply) => {
    const tag = request.headers["x-bench-id"];
    if (typeof tag === "string") times.set(tag, reply.elapsedTime);
  });
}

/** onResponse runs after the last byte is handed to the socket, so it may trail the client's read a little. */
async function recorded(times: Map<string, number>, tag: string): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const value = times.get(tag);
    if (value !== undefined) {
      times.delete(tag);
      return value;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no server time recorded for ${tag}`);
}

/**
 * 1,000,000 runs in one INSERT … SELECT generate_series. The secondary indexes of `runs` are dropped first and
 * rebuilt from their own definitions afterwards (a bulk build is many times faster than a million inserts into
 * them), so the measured table has exactly the migrated schema. The measured team gets 400,000 runs (60 %
 * SUCCEEDED, 5 % personal runs of its admin, 5 % of another user), newest first one second apart.
 */
async function seedRuns(sql: pg.Client, teamId: string, adminId: string) {
  await sql.query(
    `INSERT INTO teams (id, name) SELECT 'bench-team-' || g, 'Bench team ' || g FROM generate_series(1, ${OTHER_TEAMS}) g`,
  );
  const { rows: indexes } = await sql.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'runs' AND indexname <> 'runs_pkey'`,
  );
  for (const index of indexes) await sql.query(`DROP INDEX ${index.indexname}`);
  await sql.query(
    `INSERT INTO runs (id, team_id, owner_user_id, title, prompt, state, creator_kind, creator_id, executor_kind,
                       executor_id, agent_config, conversation_id, created_at, updated_at)
     SELECT gen_random_uuid(),
            CASE WHEN g <= ${TEAM_RUNS} THEN $1 ELSE 'bench-team-' || (g % ${OTHER_TEAMS} + 1) END,
            CASE g % 20 WHEN 0 THEN $2 WHEN 1 THEN 'someone-else' END,
            'Run ' || g, 'Do task number ' || g || ' of the benchmark',
            (ARRAY['SUCCEEDED','SUCCEEDED','SUCCEEDED','SUCCEEDED','SUCCEEDED','SUCCEEDED','FAILED','QUEUED',
                   'INPROGRESS','CANCELLED'])[g % 10 + 1]::"RunState",
            'user', $2, 'user', $2, '{}', gen_random_uuid(),
            now() - g * interval '1 second', now() - g * interval '1 second'
       FROM generate_series(1, ${TOTAL_RUNS}) g`,
    [teamId, adminId],
  );
  await sql.query(`SET maintenance_work_mem = '256MB'`);
  for (const index of indexes) await sql.query(index.indexdef);
  await sql.query(`VACUUM ANALYZE runs`);
}
