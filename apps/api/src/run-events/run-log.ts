import { Readable } from "node:stream";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { Problem, RunIdParams } from "@oz/contract";
import type { Db } from "@oz/db";
import { notFound } from "@oz/errors";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { isRunId, visibleRunWhere } from "../runs/visibility.ts";

/** Output events read from the database per round trip while the log streams out. */
const PAGE = 1000;

/**
 * A run's raw log: the text of every `output` event (setup steps and the agent's process), in order, exactly as
 * stored (secrets already redacted, ANSI codes kept). Streamed page by page, so a long log never sits in memory.
 */
async function* logText(db: Db, runId: string): AsyncGenerator<string> {
  let afterSeq = 0;
  for (;;) {
    const rows = await db.runEvent.findMany({
      where: { runId, type: "output", seq: { gt: afterSeq } },
      orderBy: { seq: "asc" },
      take: PAGE,
      select: { seq: true, payload: true },
    });
    for (const row of rows) {
      const text = (row.payload as { text?: unknown }).text;
      if (typeof text === "string") yield text;
    }
    if (rows.length < PAGE) return;
    afterSeq = rows.at(-1)!.seq;
  }
}

/** Ours: `GET /agent/runs/{runId}/log`, the run's output as text/plain (for curl in CI, or the dashboard's download). */
export const runLogRoute: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    "/agent/runs/:runId/log",
    {
      schema: {
        operationId: "getRunLog",
        summary: "A run's raw log (text/plain)",
        description:
          "Everything the run's setup steps and agent process printed, in order, as plain text: ANSI colour codes " +
          "and carriage returns as printed, secrets redacted. Readable while the run is still going (what has been " +
          'printed so far). Example: `curl -H "Authorization: Bearer $OZ_API_KEY" $OZ_URL/api/v1/agent/runs/$RUN/log`.',
        tags: ["runs"],
        params: RunIdParams,
        response: {
          200: {
            description: "The log text.",
            content: { "text/plain": { schema: z.string().describe("The log text, UTF-8.") } },
          },
          401: Problem,
          404: Problem,
        },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const run = isRunId(runId)
        ? await deps.db.run.findFirst({ where: visibleRunWhere(principalOf(request), runId), select: { id: true } })
        : null;
      if (!run) throw notFound("run", runId);
      return (
        reply
          .type("text/plain; charset=utf-8")
          .header("content-disposition", `inline; filename="run-${run.id}.log"`)
          .header("cache-control", "no-store")
          // A stream is sent as it is (never serialised), whatever the schema says of the body.
          .send(Readable.from(logText(deps.db, run.id)) as unknown as string)
      );
    },
  );
};
