import type { ListRunsQuery, RunState } from "@oz/contract";
import { Prisma } from "@oz/db";
import { invalid } from "@oz/errors";

/** The reserved `environment_id` filter value for runs without an environment. */
export const EMPTY_ENVIRONMENT = "empty-environment";

/**
 * The filters of `GET /agent/runs` in one canonical form: aliases merged, repeated states
 * sorted, metadata keys ordered. Two queries that mean the same have equal filters, which is what the
 * cursor's fingerprint relies on.
 */
export interface RunFilters {
  states?: RunState[];
  source?: string;
  executionLocation?: string;
  creator?: string;
  executor?: string;
  environmentId?: string;
  scheduleId?: string;
  name?: string;
  modelId?: string;
  skillSpec?: string;
  artifactType?: string;
  ancestorRunId?: string;
  automationId?: string;
  factoryUid?: string;
  metadata?: Record<string, string>;
  q?: string;
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
}

export function runFiltersOf(query: ListRunsQuery): RunFilters {
  return {
    states: query.state === undefined ? undefined : [...new Set([query.state].flat())].sort(),
    source: query.source,
    executionLocation: query.execution_location,
    creator: principalUid(query.creator),
    executor: principalUid(query.executor),
    environmentId: query.environment_id,
    scheduleId: query.schedule_id,
    name: sameOrRefuse("name", query.name, "config_name", query.config_name),
    modelId: query.model_id,
    skillSpec: sameOrRefuse("skill_spec", query.skill_spec, "skill", query.skill),
    artifactType: query.artifact_type,
    ancestorRunId: query.ancestor_run_id,
    automationId: query.automation_id,
    factoryUid: query.factory_uid,
    metadata: query.metadata && Object.fromEntries(Object.entries(query.metadata).sort(([a], [b]) => (a < b ? -1 : 1))),
    q: query.q?.trim() || undefined,
    createdAfter: query.created_after,
    createdBefore: query.created_before,
    updatedAfter: query.updated_after,
  };
}

/** SQL conditions over `runs r` for the filters; every one of them is AND-ed. */
export function filterConditions(filters: RunFilters, teamId: string): Prisma.Sql[] {
  const f = filters;
  const where: Prisma.Sql[] = [];
  if (f.states?.length === 1) where.push(Prisma.sql`r.state = CAST(${f.states[0]} AS "RunState")`);
  else if (f.states) where.push(Prisma.sql`r.state = ANY(CAST(${f.states} AS "RunState"[]))`);
  if (f.source) where.push(Prisma.sql`r.source = ${f.source}`);
  if (f.executionLocation) where.push(Prisma.sql`r.execution_location = ${f.executionLocation}`);
  if (f.creator) where.push(Prisma.sql`r.creator_id = ${f.creator}`);
  if (f.executor) where.push(Prisma.sql`r.executor_id = ${f.executor}`);
  if (f.environmentId === EMPTY_ENVIRONMENT) where.push(Prisma.sql`r.environment_id IS NULL`);
  else if (f.environmentId) where.push(Prisma.sql`r.environment_id = ${f.environmentId}`);
  if (f.scheduleId) where.push(Prisma.sql`r.schedule_id = ${f.scheduleId}`);
  if (f.name) where.push(Prisma.sql`r.config_name = ${f.name}`);
  if (f.modelId) where.push(Prisma.sql`r.model_id = ${f.modelId}`);
  if (f.skillSpec) where.push(Prisma.sql`r.skill_spec = ${f.skillSpec}`);
  if (f.artifactType) {
    where.push(Prisma.sql`EXISTS (SELECT 1 FROM artifacts a WHERE a.run_id = r.id AND a.type = ${f.artifactType})`);
  }
  if (f.ancestorRunId) {
    where.push(Prisma.sql`r.id IN (
      WITH RECURSIVE descendants AS (
        SELECT d.id FROM runs d WHERE d.parent_run_id = CAST(${f.ancestorRunId} AS uuid)
        UNION ALL
        SELECT d.id FROM runs d JOIN descendants x ON d.parent_run_id = x.id
      ) SELECT id FROM descendants)`);
  }
  if (f.automationId) where.push(metadataContains({ automation_id: f.automationId }));
  if (f.factoryUid) {
    // Runs executed by any of this team's agents seeded for the factory; another team's factory matches nothing.
    where.push(Prisma.sql`r.executor_kind = 'service_account' AND r.executor_id IN (
      SELECT ag.id FROM agents ag WHERE ag.team_id = ${teamId} AND ag.factory_uid = ${f.factoryUid})`);
  }
  if (f.metadata) where.push(metadataContains(f.metadata));
  if (f.q) {
    // Exactly the expression of the runs_search_trgm index, so ILIKE can use it.
    where.push(
      Prisma.sql`(r.title || ' ' || r.prompt || ' ' || coalesce(r.skill_spec, '')) ILIKE ${`%${escapeLike(f.q)}%`}`,
    );
  }
  if (f.createdAfter) where.push(Prisma.sql`r.created_at > CAST(${f.createdAfter} AS timestamptz)`);
  if (f.createdBefore) where.push(Prisma.sql`r.created_at < CAST(${f.createdBefore} AS timestamptz)`);
  if (f.updatedAfter) where.push(Prisma.sql`r.updated_at > CAST(${f.updatedAfter} AS timestamptz)`);
  return where;
}

const metadataContains = (pairs: Record<string, string>) =>
  Prisma.sql`r.metadata @> CAST(${JSON.stringify(pairs)} AS jsonb)`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `creator` / `executor` take a principal UID; the `user:<uid>` / `service_account:<uid>` form is accepted too. */
function principalUid(value: string | undefined): string | undefined {
  return value?.replace(/^(user|service_account):/, "");
}

/** Two spellings of one filter: either may be used, both only when they agree. */
function sameOrRefuse(name: string, value: string | undefined, alias: string, aliasValue: string | undefined) {
  if (value !== undefined && aliasValue !== undefined && value !== aliasValue) {
    throw invalid(`${name} and ${alias} name the same filter but differ; send one of them`);
  }
  return value ?? aliasValue;
}
