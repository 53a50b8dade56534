import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  Problem,
  RunIdParams,
  RunListHandoffAttachmentsResponse,
  RunSubmitFollowupParams,
  RunSubmitFollowupResponse,
} from "@oz/contract";
import type { AppDeps } from "../deps.ts";
import { principalOf } from "../http/auth.ts";
import { listHandoffAttachments } from "./handoff-attachments.ts";
import { submitFollowup } from "./submit-followup.ts";

/** Follow-ups and handoff snapshots of a run. */
export const followupRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    "/agent/runs/:runId/followups",
    {
      schema: {
        summary: "Send a follow-up message",
        description:
          "Queued run: the agent sees the message with its prompt. Running run: it is delivered to the live agent " +
          "(the built-in harness reads it before its next model turn; a command harness gets it in a new execution " +
          "once the current one ends). Ended run: a new execution of the same run continues the conversation " +
          "(the run goes back to QUEUED). Local runs cannot take follow-ups (422).",
        tags: ["runs"],
        params: RunIdParams,
        body: RunSubmitFollowupParams,
        response: { 200: RunSubmitFollowupResponse, 400: Problem, 401: Problem, 404: Problem, 422: Problem },
      },
    },
    async (request) => {
      const { notEnqueued } = await submitFollowup(deps, principalOf(request), request.params.runId, request.body);
      if (notEnqueued) {
        request.log.warn(
          { runId: request.params.runId, err: notEnqueued.message },
          "follow-up execution queued but not enqueued yet; the sweeper will enqueue it",
        );
      }
      return {};
    },
  );

  app.get(
    "/agent/runs/:runId/handoff/attachments",
    {
      schema: {
        summary: "List handoff snapshot files",
        description: "Signed download links to the files the run's latest ended execution uploaded; `[]` when none.",
        tags: ["runs"],
        params: RunIdParams,
        response: { 200: RunListHandoffAttachmentsResponse, 401: Problem, 404: Problem },
      },
    },
    async (request) => listHandoffAttachments(deps.db, principalOf(request), request.params.runId),
  );
};
