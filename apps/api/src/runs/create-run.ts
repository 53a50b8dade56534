import type { Principal } from "@oz/auth";
import type { AgentRunParams, AgentRunResponse, RunSchedule, RunSourceType, RunState } from "@oz/contract";
import { newUuid, type Db } from "@oz/db";
import { assertWithinBudget, teamAtCapacity } from "@oz/runs";
import { ApiError, invalid, notFound } from "@oz/errors";
import { ModelCatalogue } from "@oz/llm";
import { allInOrder } from "./all-in-order.ts";
import { collectAttachments } from "./attachments.ts";
import type { InsertRun } from "./insert-run.ts";
import { resolveParentRun } from "./parent-run.ts";
import { assertModelAvailable, resolveRunConfig } from "./resolve-config.ts";
import { assertWithinSandboxMaxima, type SandboxMaxima } from "../environments/sandbox-maxima.ts";
import { assertPromptSize } from "./prompt-size.ts";
import { resolveParties } from "./resolve-parties.ts";
import { runTitle } from "./run-title.ts";
import { isRunVisibleTo } from "./visibility.ts";
import { assertWorkerHostOfTeam } from "../worker-hosts/service.ts";

const NO_MODELS = new ModelCatalogue([]);

export interface CreateRunDeps {
  db: Db;
  /** Records the accepted run (`createRunInserter`: one per process, so concurrent requests share INSERTs). */
  insertRun: InsertRun;
  agentLimit: number;
  maxOrchestrationDepth: number;
  /** The built-in harness's models: a run of it naming another model, or when there are none, is refused. */
  models?: ModelCatalogue;
  /** OZ_MAX_PROMPT_BYTES (default 256 KiB). */
  maxPromptBytes?: number;
  /** OZ_TEAM_MAX_CONCURRENT_RUNS: the answer says `at_capacity` when the team's runs fill it (0/absent: not said). */
  teamMaxConcurrentRuns?: number;
  /** OZ_SANDBOX_MAX_*: a run whose environment is larger is refused. */
  sandboxMaxima?: SandboxMaxima;
}

/** The outcome of accepting a run: the answer for the caller and what the queue needs to dispatch it. */
export interface AcceptedRun {
  response: AgentRunResponse;
  run: { id: string; workerHost: string | null };
  /** False when an Idempotency-Key replay answered with a run created earlier (already dispatched). */
  created: boolean;
}

export interface CreateRunRequest {
  principal: Principal;
  params: AgentRunParams;
  /** The surface that asked: `API` unless our own CLI or web app says otherwise. */
  source: RunSourceType;
  /** Optional `Idempotency-Key` header: the same key within a team always yields the same run. */
  idempotencyKey?: string;
  /** Set when a scheduled agent's tick asks (source `SCHEDULED_AGENT`): recorded as `RunItem.schedule`. */
  schedule?: RunSchedule;
}

/**
 * Accepts a run: resolves who, where and how, then records it `QUEUED` in one INSERT.
 * Lookups happen only when the request references an agent, a parent run, `on_behalf_of` or an
 * environment. Once the INSERT has committed nothing can fail, so the caller never sees a 5xx for a run
 * that exists. Handing `run` to the queue is the caller's next step after this returns.
 */
export async function createRun(deps: CreateRunDeps, request: CreateRunRequest): Promise<AcceptedRun> {
  const { db } = deps;
  const { principal, params } = request;
  assertPromptSize(params.prompt, deps.maxPromptBytes);
  const attachments = collectAttachments(params);

  const [parties, parent] = await allInOrder([
    resolveParties(db, principal, params, deps.agentLimit),
    params.parent_run_id
      ? resolveParentRun(db, principal, params.parent_run_id, deps.maxOrchestrationDepth)
      : undefined,
    // The one budget check of every new run (API, CLI, schedules): a spent budget creates nothing.
    assertWithinBudget(db, principal.teamId),
  ]);
  const config = resolveRunConfig(params, parties.executorAgent);
  assertModelAvailable(deps.models ?? NO_MODELS, config);
  const prompt = params.prompt ?? "";
  if (!prompt.trim() && !config.skill_spec && !params.conversation_id) {
    throw invalid("prompt is required unless a skill is specified");
  }
  if (config.environment_id) {
    const environment = await assertEnvironmentInTeam(db, principal.teamId, config.environment_id);
    // Saved under larger maxima: refused rather than silently shrunk.
    assertWithinSandboxMaxima(environment, deps.sandboxMaxima, "environment.resources");
  }
  await assertWorkerHostOfTeam(db, principal.teamId, config.worker_host);

  const runId = newUuid();
  const limit = deps.teamMaxConcurrentRuns ?? 0;
  // Asked alongside the INSERT, so it costs no extra wait.
  const atCapacity = limit > 0 ? teamAtCapacity(db, principal.teamId, limit) : undefined;
  atCapacity?.catch(() => {});
  const inserted = await deps.insertRun({
    id: runId,
    teamId: principal.teamId,
    ownerUserId: parties.ownerUserId,
    title: runTitle({ title: params.title, prompt, skillSpec: config.skill_spec }),
    prompt,
    source: request.source,
    creator: parties.creator,
    executor: parties.executor,
    config,
    parentRunId: parent?.id ?? null,
    conversationId: params.conversation_id ?? newUuid(),
    mode: params.mode ?? "normal",
    interactive: params.interactive ?? false,
    metadata: { ...parent?.metadata, ...params.metadata },
    attachments,
    idempotencyKey: request.idempotencyKey ?? null,
    schedule: request.schedule ?? null,
  });
  if (!inserted && request.idempotencyKey) return runForIdempotencyKey(db, principal, request.idempotencyKey);
  return {
    response: {
      run_id: runId,
      task_id: runId,
      state: "QUEUED",
      ...(atCapacity && { at_capacity: await atCapacity.catch(() => false) }),
    },
    run: { id: runId, workerHost: config.worker_host ?? null },
    created: true,
  };
}

/** Environments are team-scoped; one of another team is reported exactly like a missing one. */
async function assertEnvironmentInTeam(db: Db, teamId: string, environmentId: string) {
  const found = await db.environment.findFirst({
    where: { id: environmentId, teamId, deletedAt: null },
    select: { id: true, cpus: true, memoryMb: true, pidsLimit: true },
  });
  if (!found) throw notFound("environment", environmentId);
  return found;
}

/** A retried request with an Idempotency-Key already used in this team: answer with that run. */
async function runForIdempotencyKey(db: Db, principal: Principal, key: string): Promise<AcceptedRun> {
  const existing = await db.run.findUnique({
    where: { teamId_idempotencyKey: { teamId: principal.teamId, idempotencyKey: key } },
    select: { id: true, teamId: true, state: true, ownerUserId: true, workerHost: true },
  });
  if (!existing || !isRunVisibleTo(principal, existing)) {
    throw new ApiError("conflict", "this Idempotency-Key was already used for another caller's run", {
      retryable: false,
    });
  }
  return {
    response: { run_id: existing.id, task_id: existing.id, state: existing.state as RunState },
    run: { id: existing.id, workerHost: existing.workerHost },
    created: false,
  };
}
