import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AgentRunParams,
  AgentRunResponse,
  ListRunsQuery,
  Problem,
  RunCancelResponse,
  RunIdParams,
  RunItem,
  RunSourceType,
  RunsPage,
} from "@oz/contract";
import { invalid } from "@oz/errors";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { serializeWithoutValidation } from "../http/serialize.ts";
import { cancelRun } from "./cancel-run.ts";
import { createRun } from "./create-run.ts";
import { createRunInserter } from "./insert-run.ts";
import { getRun } from "./get-run.ts";
import { listRuns } from "./list-runs.ts";

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Cloud agent runs. HTTP only: each handler calls one function of this folder. */
export const runRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const createDeps = { ...deps, insertRun: createRunInserter(deps.db) };
  const createSchema = {
    summary: "Create a cloud agent run",
    description:
      "Queues a run and returns its ID. Optional headers: `Idempotency-Key` (the same key within a team returns the same run) and `x-oz-source` (a RunSourceType; defaults to API).",
    tags: ["runs"],
    body: AgentRunParams,
    response: { 200: AgentRunResponse, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
  };
  const create = async (request: FastifyRequest<{ Body: AgentRunParams }>) => {
    const accepted = await createRun(createDeps, {
      principal: principalOf(request),
      params: request.body,
      source: runSource(request),
      idempotencyKey: idempotencyKey(request),
    });
    if (accepted.created) {
      const failure = await deps.dispatcher.dispatch(accepted.run);
      if (failure)
        request.log.warn(
          { runId: accepted.run.id, err: failure.message },
          "run accepted but not enqueued yet; the sweeper will enqueue it",
        );
    }
    return accepted.response;
  };
  app.post("/agent/runs", { schema: createSchema }, create);
  // Compatibility: α8 and the docs' curl use the singular path; one handler serves both.
  app.post(
    "/agent/run",
    { schema: { ...createSchema, summary: "Create a cloud agent run (alias used by older clients)" } },
    create,
  );

  app.get(
    "/agent/runs",
    {
      schema: {
        summary: "List runs",
        description: "Cursor-paginated; repeat the same query with `cursor` = `page_info.next_cursor`.",
        tags: ["runs"],
        querystring: ListRunsQuery,
        response: { 200: RunsPage, 400: Problem, 401: Problem, 404: Problem },
      },
      // The hottest read: its page is typed as RunsPage where it is built, and runs-list.test.ts holds real
      // pages to the schema, so it is not parsed again on the way out (~0.3 ms of a ~2 ms request).
      serializerCompiler: serializeWithoutValidation,
    },
    async (request) => listRuns(deps.db, principalOf(request), request.query, deps.publicUrl),
  );

  app.get(
    "/agent/runs/:runId",
    {
      schema: {
        summary: "Retrieve a run",
        tags: ["runs"],
        params: RunIdParams,
        response: { 200: RunItem, 401: Problem, 404: Problem },
      },
    },
    async (request) => getRun(deps.db, principalOf(request), request.params.runId, deps.publicUrl),
  );

  app.post(
    "/agent/runs/:runId/cancel",
    {
      schema: {
        summary: "Cancel a run",
        description: "No body. Answers the cancelled run's ID as text/plain.",
        tags: ["runs"],
        params: RunIdParams,
        response: {
          200: { description: "The cancelled run's ID", content: { "text/plain": { schema: RunCancelResponse } } },
          400: Problem,
          401: Problem,
          404: Problem,
          409: Problem,
          422: Problem,
        },
      },
    },
    async (request, reply) => {
      const cancelled = await cancelRun(deps, principalOf(request), request.params.runId);
      if (cancelled.previousState === "QUEUED") await deps.dispatcher.withdraw(cancelled);
      else await deps.dispatcher.stop(cancelled.id);
      return reply.type("text/plain; charset=utf-8").send(cancelled.id);
    },
  );
};

/** Our own CLI and web app say who they are with `x-oz-source`; everyone else is the public API. */
function runSource(request: FastifyRequest): RunSourceType {
  const header = request.headers["x-oz-source"];
  if (header === undefined) return "API";
  const parsed = RunSourceType.safeParse(String(header).trim());
  if (!parsed.success) throw invalid(`x-oz-source header: must be one of ${RunSourceType.options.join(", ")}`);
  return parsed.data;
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers["idempotency-key"];
  if (header === undefined) return undefined;
  const key = String(header).trim();
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw invalid(`Idempotency-Key header: must be 1–${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  return key;
}
