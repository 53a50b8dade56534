import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import { REDIS_URL, startApi } from "../support/platform.ts";
import { describeLatencies, median, ms, ratio } from "../support/stats.ts";

const TICKS = 15;

/**
 * A scheduled agent's tick → its run's row, `QUEUED` (its `created_at`, Postgres's clock), measured from the
 * tick's own scheduled time (the run's Idempotency-Key names it). The API fires with the testing seconds field
 * `*\/2` (what `OZ_SCHEDULE_SECONDS_FIELD` sets), so `* * * * *` ticks on every even second.
 *
 * Baseline, in the same process at the same time: a bare BullMQ job scheduler on the odd seconds whose worker
 * does one plain INSERT of the tick into a table of the same database — the part of the delay that is BullMQ's
 * polling and a round trip, which any design on job schedulers pays. The ticks interleave second by second,
 * so load on the machine hits both alike.
 */
export const scheduleTickBench: Benchmark = {
  name: "schedule-tick",
  area: "api",
  budgetMs: 120_000,
  async run(log) {
    const server = await startApi({ schedules: { reconcileIntervalMs: 60_000, secondsField: "*/2" } });
    const baseline = await startBareScheduler(server.database.url, `${server.queuePrefix}-bare`);

    const res = await fetch(`${server.baseUrl}/agent/schedules`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.team.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench", cron_schedule: "* * * * *", prompt: "benchmark" }),
    });
    const schedule = (await res.json()) as { id?: string };
    if (res.status !== 200 || !schedule.id) throw new Error(`schedule not created: ${res.status}`);
    await baseline.start();

    const db = server.database.db;
    const deadline = Date.now() + (TICKS * 2 + 20) * 1000;
    let runs: { idempotencyKey: string | null; createdAt: Date }[] = [];
    while (Date.now() < deadline) {
      runs = await db.run.findMany({
        where: { scheduleId: schedule.id },
        select: { idempotencyKey: true, createdAt: true },
      });
      if (runs.length >= TICKS && (await baseline.count()) >= TICKS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await baseline.stop();
    await fetch(`${server.baseUrl}/agent/schedules/${schedule.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${server.team.apiKey}` },
    });
    if (runs.length < TICKS) throw new Error(`only ${runs.length} of ${TICKS} ticks made a run`);

    const tickOf = (key: string | null) => Date.parse(key!.split(":").slice(2).join(":"));
    // The first tick is the one a scheduler created mid-second may fire late at once; leave it out on both sides.
    const byTick = runs.sort((a, b) => tickOf(a.idempotencyKey) - tickOf(b.idempotencyKey)).slice(1);
    const created = byTick.map((r) => r.createdAt.getTime() - tickOf(r.idempotencyKey));
    const bare = (await baseline.delays()).slice(1);
    const p50 = median(created);
    log(`${byTick.length} scheduled runs, ${bare.length} bare ticks`);
    return {
      target: "≤ 1 s p50 from a tick's scheduled time to its run QUEUED",
      measured: `p50 ${ms(p50)} (${ratio(p50 / median(bare))}× a bare BullMQ scheduler + INSERT)`,
      pass: p50 <= 1_000,
      details: [
        `tick → run row QUEUED (created_at): ${describeLatencies(created)}`,
        `baseline, bare job scheduler tick → INSERT: ${describeLatencies(bare)}`,
      ],
    };
  },
};

/** A BullMQ job scheduler on the odd seconds whose worker INSERTs each tick (`now()` at the INSERT). */
async function startBareScheduler(databaseUrl: string, prefix: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await pool.query("CREATE TABLE bench_ticks (tick timestamptz PRIMARY KEY, created_at timestamptz DEFAULT now())");
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = connection.duplicate();
  const queue = new Queue("bench-ticks", { connection, prefix });
  const worker = new Worker(
    "bench-ticks",
    async (job) => {
      const tick = new Date(job.opts.prevMillis ?? job.timestamp);
      await pool.query("INSERT INTO bench_ticks (tick) VALUES ($1) ON CONFLICT DO NOTHING", [tick]);
    },
    { connection: workerConnection, prefix, concurrency: 8 },
  );
  const stop = async () => {
    await queue.removeJobScheduler("bare").catch(() => {});
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
  };
  onCleanup(async () => {
    await stop().catch(() => {});
    connection.disconnect();
    workerConnection.disconnect();
    await pool.end();
  });
  return {
    start: () => queue.upsertJobScheduler("bare", { pattern: "1-59/2 * * * * *", tz: "UTC" }, { name: "tick" }),
    stop,
    count: async () => Number((await pool.query("SELECT count(*) AS n FROM bench_ticks")).rows[0].n),
    delays: async () =>
      (
        await pool.query<{ delay: number }>(
          "SELECT extract(epoch FROM created_at - tick) * 1000 AS delay FROM bench_ticks ORDER BY tick",
        )
      ).rows.map((r) => Number(r.delay)),
  };
}
