import type { ServerResponse } from "node:http";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Problem, RunEventsPage, RunEventsQuery, RunIdParams, TERMINAL_RUN_STATES } from "@oz/contract";
import { notFound } from "@oz/errors";
import { listRunEvents } from "@oz/events";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { isRunId, visibleRunWhere } from "../runs/visibility.ts";
import { SseWriter } from "./sse.ts";
import { streamRunEvents } from "./stream-run-events.ts";

/** Ours: a run's transcript (`/events`) and its live stream (`/events/stream`, Server-Sent Events). */
export const runEventRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const findRun = async (principal: ReturnType<typeof principalOf>, runId: string) => {
    const run = isRunId(runId)
      ? await deps.db.run.findFirst({ where: visibleRunWhere(principal, runId), select: { id: true, state: true } })
      : null;
    if (!run) throw notFound("run", runId);
    return run;
  };
  const isTerminal = async (runId: string) => {
    const run = await deps.db.run.findUnique({ where: { id: runId }, select: { state: true } });
    return !run || (TERMINAL_RUN_STATES as readonly string[]).includes(run.state);
  };

  const stream = async (runId: string, afterId: string | undefined, raw: ServerResponse) => {
    const sse = new SseWriter(raw);
    await streamRunEvents({ db: deps.db, hub: deps.eventHub }, sse, {
      runId,
      afterId,
      runIsTerminal: () => isTerminal(runId),
    });
  };

  app.get(
    "/agent/runs/:runId/events",
    {
      schema: {
        summary: "A run's transcript",
        description:
          "Ordered events of the run (setup steps, output, state changes, artifacts, errors), oldest first. " +
          "Send `Accept: text/event-stream` to get the live stream instead (same as `/events/stream`).",
        tags: ["runs"],
        params: RunIdParams,
        querystring: RunEventsQuery,
        response: { 200: RunEventsPage, 401: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const run = await findRun(principalOf(request), request.params.runId);
      if (request.headers.accept?.includes("text/event-stream")) {
        reply.hijack();
        await stream(run.id, lastEventId(request.headers["last-event-id"]) ?? request.query.after, reply.raw);
        return;
      }
      const events = await listRunEvents(deps.db, run.id, {
        afterId: request.query.after,
        limit: request.query.limit + 1,
      });
      return { events: events.slice(0, request.query.limit), has_more: events.length > request.query.limit };
    },
  );

  app.get(
    "/agent/runs/:runId/events/stream",
    {
      schema: {
        summary: "Live transcript (Server-Sent Events)",
        description:
          "Each event is an SSE message whose `id` is the event id and whose data is a RunEvent; reconnect with " +
          "`Last-Event-ID` (or `?after=`) to resume. The stream ends with an `end` event once the run has ended.",
        tags: ["runs"],
        params: RunIdParams,
        querystring: RunEventsQuery.pick({ after: true }),
        response: { 401: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const run = await findRun(principalOf(request), request.params.runId);
      reply.hijack();
      await stream(run.id, lastEventId(request.headers["last-event-id"]) ?? request.query.after, reply.raw);
    },
  );
};

function lastEventId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^\d+$/.test(value) ? value : undefined;
}
