import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Principal } from "@oz/auth";
import {
  ConversationCheckRedirectResponse,
  ConversationIdParams,
  Problem,
  SessionCheckRedirectResponse,
  SessionUuidParams,
  TERMINAL_RUN_STATES,
} from "@oz/contract";
import type { Db, Prisma } from "@oz/db";
import type { AppDeps } from "../deps.ts";
import { isRunId, visibleRunWhere } from "../runs/visibility.ts";

const ENDED = [...TERMINAL_RUN_STATES];

/**
 * The public redirect helpers: no credentials needed, and the SDK sends none. What a run's
 * session or conversation leads to is only told to a caller who may see the run (API key or dashboard
 * session); anyone else — anonymous, another team, an unknown or malformed id — gets the same `{}`, so the
 * answer is no oracle of what exists. Our transcripts and live views are never shared beyond the team, so for
 * those callers there is nothing to redirect to.
 */
export const sessionRedirectRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/agent/sessions/:sessionUuid/redirect",
    {
      config: { auth: "public" },
      schema: {
        operationId: "checkSessionRedirect",
        summary: "Where a finished session's transcript is",
        description:
          "No credentials needed. `{conversation_id}` once the run's sandbox has finished and its transcript is " +
          "complete, for a caller who may see the run; `{}` otherwise (also for unknown ids).",
        tags: ["runs"],
        params: SessionUuidParams,
        response: { 200: SessionCheckRedirectResponse, 401: Problem },
      },
    },
    async (request) => {
      const run = await visibleRun(deps.db, request.principal, { sessionId: request.params.sessionUuid });
      if (!run || !ENDED.includes(run.state as (typeof ENDED)[number]) || run.isSandboxRunning) return {};
      return { conversation_id: run.conversationId };
    },
  );

  app.get(
    "/agent/conversations/:conversationId/redirect",
    {
      config: { auth: "public" },
      schema: {
        operationId: "checkConversationRedirect",
        summary: "The live session of a conversation's run",
        description:
          "No credentials needed. `{session_id}` while the conversation's run is still live (not ended, or its " +
          "sandbox still running), for a caller who may see the run; `{}` otherwise (also for unknown ids).",
        tags: ["runs"],
        params: ConversationIdParams,
        response: { 200: ConversationCheckRedirectResponse, 401: Problem },
      },
    },
    async (request) => {
      const run = await visibleRun(deps.db, request.principal, { conversationId: request.params.conversationId }, [
        { state: { notIn: ENDED } },
        { isSandboxRunning: true },
      ]);
      return run ? { session_id: run.sessionId } : {};
    },
  );
};

/** The caller's latest run matching `match` (and any of `live`), or null: anonymous callers and non-UUIDs match nothing. */
async function visibleRun(
  db: Db,
  principal: Principal | null,
  match: { sessionId: string } | { conversationId: string },
  live?: Prisma.RunWhereInput[],
) {
  const id = "sessionId" in match ? match.sessionId : match.conversationId;
  if (!principal || !isRunId(id)) return null;
  const { teamId, OR: owners } = visibleRunWhere(principal, id);
  return db.run.findFirst({
    where: { ...match, teamId, AND: [{ OR: owners }, ...(live ? [{ OR: live }] : [])] },
    orderBy: { createdAt: "desc" },
    select: { state: true, isSandboxRunning: true, conversationId: true, sessionId: true },
  });
}
