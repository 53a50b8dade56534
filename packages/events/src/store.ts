import type { NewRunEvent, RunEvent } from "@oz/contract";
import { Prisma, type Db } from "@oz/db";

interface EventRow {
  id: bigint;
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

const toRunEvent = (r: EventRow): RunEvent => ({
  id: r.id.toString(),
  seq: r.seq,
  type: r.type,
  created_at: r.created_at.toISOString(),
  payload: r.payload,
});

const UNIQUE_VIOLATION = "23505";
/** Two writers took the same `seq` for a run: the loser writes again with the next numbers. */
export const isSeqCollision = (err: unknown): boolean =>
  JSON.stringify(err ?? "").includes(UNIQUE_VIOLATION) || /unique constraint/i.test(String((err as Error)?.message));

/**
 * One INSERT of a run's events; `seq` continues the run's numbering. Throws on a `seq` collision (see
 * isSeqCollision): inside a transaction the whole transaction must be tried again, which its owner does.
 */
export async function insertRunEvents(db: Db, runId: string, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
  if (events.length === 0) return [];
  const batch = JSON.stringify(events.map((e, i) => ({ ord: i + 1, type: e.type, payload: e.payload })));
  const rows = await db.$queryRaw<EventRow[]>`
    INSERT INTO run_events (run_id, seq, type, payload)
    SELECT ${runId}::uuid,
           COALESCE((SELECT max(seq) FROM run_events WHERE run_id = ${runId}::uuid), 0) + e.ord,
           e.type, e.payload
      FROM jsonb_to_recordset(${batch}::jsonb) AS e(ord int, type text, payload jsonb)
    RETURNING id, seq, type, payload, created_at`;
  return rows.sort((a, b) => a.seq - b.seq).map(toRunEvent);
}

/**
 * Appends events to a run's transcript in one statement. Two writers (the worker and an API cancelling) can
 * collide on `seq`: the loser retries with the next numbers.
 */
export async function appendRunEvents(db: Db, runId: string, events: readonly NewRunEvent[]): Promise<RunEvent[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await insertRunEvents(db, runId, events);
    } catch (err) {
      if (attempt < 5 && isSeqCollision(err)) continue;
      throw err;
    }
  }
}

/** The transcript from just after `afterId`, oldest first. */
export async function listRunEvents(
  db: Db,
  runId: string,
  options: { afterId?: string | undefined; limit: number },
): Promise<RunEvent[]> {
  const after = options.afterId ? Prisma.sql`AND id > ${BigInt(options.afterId)}` : Prisma.empty;
  const rows = await db.$queryRaw<EventRow[]>`
    SELECT id, seq, type, payload, created_at FROM run_events
     WHERE run_id = ${runId}::uuid ${after}
     ORDER BY id ASC LIMIT ${options.limit}`;
  return rows.map(toRunEvent);
}
