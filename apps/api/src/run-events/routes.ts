import { isTerminalRunState } from "@oz/contract/run-states";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { EventIdCursor, Problem, RunEventsPage, RunEventsQuery, RunIdParams } from "@oz/contract";
import { ApiError, invalid, notFound } from "@oz/errors";
import { listRunEvents } from "@oz/events";
import type { Principal } from "@oz/auth";
import type { Db } from "@oz/db";
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
    return !run || isTerminalRunState(run.state);
  };

  /** Opens the stream once the cursor is known to be good: after `hijack` no problem can be sent. */
  const stream = async (request: FastifyRequest, reply: FastifyReply, runId: string) => {
    const afterId = resumeCursor(request.headers["last-event-id"], (request.query as { after?: string }).after);
    await refuseCursorBeyondRun(deps.db, runId, afterId);
    const viewer = principalOf(request);
    reply.hijack();
    const sse = new SseWriter(reply.raw);
    deps.metrics?.eventStreamClients.inc();
    try {
      await streamRunEvents({ db: deps.db, hub: deps.eventHub }, sse, {
        runId,
        afterId,
        runIsTerminal: () => isTerminal(runId),
        viewerStillAllowed: () => stillAuthenticated(request, viewer),
      });
    } finally {
      deps.metrics?.eventStreamClients.dec();
    }
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
        await stream(request, reply, run.id);
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
      await stream(request, reply, run.id);
    },
  );
};

/**
 * The cursor a stream resumes after: `Last-Event-ID` (what a reconnecting EventSource sends) wins over
 * `?after=`. A malformed or out-of-range header is a 400 before the stream opens, like a bad `after`.
 */
function resumeCursor(header: string | string[] | undefined, after: string | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === "") return after;
  const parsed = EventIdCursor.safeParse(value);
  if (!parsed.success) throw invalid(`Last-Event-ID: ${parsed.error.issues[0]?.message ?? "not an event id"}`);
  return parsed.data;
}

/**
 * A cursor past the run's newest event can only be made up (ids are global, so another run's id is no
 * cursor here either): streaming after it would skip the run's ending and never close. 400 instead.
 */
async function refuseCursorBeyondRun(db: Db, runId: string, afterId: string | undefined) {
  if (afterId === undefined || afterId === "0") return;
  const newest = await db.runEvent.aggregate({ where: { runId }, _max: { id: true } });
  if ((newest._max.id ?? 0n) < BigInt(afterId)) {
    throw invalid(`after / Last-Event-ID: ${afterId} is not an event of run ${runId}`);
  }
}

/** The viewer's credentials still work and still belong to the same team (a DB hiccup is not a revocation). */
async function stillAuthenticated(request: FastifyRequest, viewer: Principal): Promise<boolean> {
  try {
    const now = await request.reauthenticate();
    return now !== null && now.teamId === viewer.teamId;
  } catch (err) {
    return !(err instanceof ApiError && (err.status === 401 || err.status === 403));
  }
}
