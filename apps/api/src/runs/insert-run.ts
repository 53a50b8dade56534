import type { AmbientAgentConfig, Attachment, QueryMode, RunSchedule, RunSourceType } from "@oz/contract";
import type { Db } from "@oz/db";
import { isDatabaseUnavailable } from "../http/database-errors.ts";
import { batchWhileBusy } from "./batch-while-busy.ts";
import type { PartyRef } from "./resolve-parties.ts";

/** A run as accepted, ready to be recorded `QUEUED`. */
export interface NewRun {
  id: string;
  teamId: string;
  ownerUserId: string | null;
  title: string;
  prompt: string;
  source: RunSourceType;
  creator: PartyRef;
  executor: PartyRef;
  /** The resolved configuration; the filterable columns are copied from it here and nowhere else. */
  config: AmbientAgentConfig;
  parentRunId: string | null;
  conversationId: string;
  mode: QueryMode;
  interactive: boolean;
  metadata: Record<string, string>;
  attachments: Attachment[];
  idempotencyKey: string | null;
  /** The scheduled agent whose tick created the run, as it was then; null otherwise. */
  schedule: RunSchedule | null;
}

/** Records a new run; false (and nothing inserted) when its team already has a run with its Idempotency-Key. */
export type InsertRun = (run: NewRun) => Promise<boolean>;

/** Runs recorded in one statement at most (each may carry a long prompt). */
const MAX_BATCH = 64;

/**
 * Run creation's INSERT, shared by concurrent requests: runs accepted while an INSERT is in flight are
 * recorded together in the next one (see batch-while-busy.ts). Each caller still answers only after its
 * own run has committed. Under load this is what makes creation cheap: one statement, one commit and one
 * round trip for a whole batch instead of one per run.
 */
export function createRunInserter(db: Db): InsertRun {
  return batchWhileBusy(async (runs: NewRun[]) => {
    try {
      return await insertRuns(db, runs);
    } catch (err) {
      // The statement is all-or-nothing: a run the database refuses must not fail the others of its batch,
      // so each goes again alone and only its own caller sees its error. An unreachable database fails all.
      if (runs.length === 1 || isDatabaseUnavailable(err)) throw err;
      return runs.map(async (run) => (await insertRuns(db, [run]))[0]!);
    }
  }, MAX_BATCH);
}

/**
 * One INSERT for any number of runs: the columns go as arrays and `unnest` turns them back into rows, so
 * the statement's text is always the same and is prepared once per connection. A plain parameterised
 * statement rather than the ORM's create, which costs several times the CPU on this hot path.
 */
async function insertRuns(db: Db, runs: NewRun[]): Promise<boolean[]> {
  const column = <T>(value: (run: NewRun) => T): T[] => runs.map(value);
  const json = (value: (run: NewRun) => unknown): string[] => runs.map((run) => JSON.stringify(value(run)));
  const rows = await db.$queryRaw<{ id: string }[]>`/* prepared */
    INSERT INTO runs (id, team_id, owner_user_id, title, prompt, state, source, creator_kind, creator_id,
                      executor_kind, executor_id, agent_config, environment_id, config_name, model_id, skill_spec,
                      worker_host, parent_run_id, conversation_id, mode, interactive, metadata, attachments,
                      idempotency_key, schedule_id, schedule)
    SELECT id, team_id, owner_user_id, title, prompt, 'QUEUED', source, creator_kind, creator_id,
           executor_kind, executor_id, agent_config, environment_id, config_name, model_id, skill_spec,
           worker_host, parent_run_id, conversation_id, mode, interactive, metadata, attachments, idempotency_key,
           schedule ->> 'schedule_id', schedule
      FROM unnest(
             CAST(${column((r) => r.id)} AS uuid[]), CAST(${column((r) => r.teamId)} AS text[]),
             CAST(${column((r) => r.ownerUserId)} AS text[]), CAST(${column((r) => r.title)} AS text[]),
             CAST(${column((r) => r.prompt)} AS text[]), CAST(${column((r) => r.source)} AS text[]),
             CAST(${column((r) => r.creator.kind)} AS "PrincipalKind"[]), CAST(${column((r) => r.creator.id)} AS text[]),
             CAST(${column((r) => r.executor.kind)} AS "PrincipalKind"[]),
             CAST(${column((r) => r.executor.id)} AS text[]), CAST(${json((r) => r.config)} AS jsonb[]),
             CAST(${column((r) => r.config.environment_id ?? null)} AS text[]),
             CAST(${column((r) => r.config.name ?? null)} AS text[]),
             CAST(${column((r) => r.config.model_id ?? null)} AS text[]),
             CAST(${column((r) => r.config.skill_spec ?? null)} AS text[]),
             CAST(${column((r) => r.config.worker_host ?? null)} AS text[]),
             CAST(${column((r) => r.parentRunId)} AS uuid[]), CAST(${column((r) => r.conversationId)} AS uuid[]),
             CAST(${column((r) => r.mode)} AS text[]), CAST(${column((r) => r.interactive)} AS boolean[]),
             CAST(${json((r) => r.metadata)} AS jsonb[]), CAST(${json((r) => r.attachments)} AS jsonb[]),
             CAST(${column((r) => r.idempotencyKey)} AS text[]), CAST(${json((r) => r.schedule)} AS jsonb[])
           ) AS r(id, team_id, owner_user_id, title, prompt, source, creator_kind, creator_id, executor_kind,
                  executor_id, agent_config, environment_id, config_name, model_id, skill_spec, worker_host,
                  parent_run_id, conversation_id, mode, interactive, metadata, attachments, idempotency_key,
                  schedule)
    ON CONFLICT (team_id, idempotency_key) DO NOTHING
    RETURNING id`;
  const inserted = new Set(rows.map((row) => row.id));
  return runs.map((run) => inserted.has(run.id));
}
