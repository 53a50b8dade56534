import { isTerminalRunState } from "@oz/contract/run-states";
import type { Principal } from "@oz/auth";
import { type FollowupDelivery, type RunState, type RunSubmitFollowupParams } from "@oz/contract";
import { newUuid, type Db } from "@oz/db";
import { ApiError, invalid, notFound } from "@oz/errors";
import { followupJobId, queueFollowupExecution, type EventSink } from "@oz/runs";
import type { RunDispatcher } from "../dispatch/run-dispatcher.ts";
import { isRunId, visibleRunWhere } from "../runs/visibility.ts";

export interface SubmitFollowupDeps {
  db: Db;
  events: EventSink;
  dispatcher: Pick<RunDispatcher, "dispatch" | "announceFollowup">;
}

/**
 * `POST /agent/runs/{runId}/followups`. The message is stored first (the backlog every execution
 * takes its follow-ups from, so nothing is lost), then routed by the run's state: a queued run's agent finds it
 * with its prompt; the worker holding a running run is told to hand it to the live agent; an ended run is queued
 * again for a new execution that continues the conversation with it.
 */
export async function submitFollowup(
  deps: SubmitFollowupDeps,
  principal: Principal,
  runId: string,
  params: RunSubmitFollowupParams,
): Promise<{ notEnqueued?: Error }> {
  const { db } = deps;
  if (!isRunId(runId)) throw notFound("run", runId);
  const run = await db.run.findFirst({
    where: visibleRunWhere(principal, runId),
    select: { state: true, executionLocation: true, workerHost: true },
  });
  if (!run) throw notFound("run", runId);
  if (run.executionLocation === "LOCAL") {
    throw new ApiError("operation_not_supported", "local runs cannot take follow-ups through the API");
  }
  const message = params.message?.trim();
  if (!message) throw invalid("message is required and must not be blank");
  const mode = params.mode ?? "normal";

  const followup = await db.runFollowup.create({ data: { id: newUuid(), runId, message, mode } });
  const delivery = deliveryFor(run.state);
  await deps.events.append(runId, [{ type: "followup", payload: { message, mode, delivery } }]);
  if (delivery === "live") await deps.dispatcher.announceFollowup(runId);
  if (delivery !== "new_execution") return {};

  const requeued = await queueFollowupExecution(
    deps,
    runId,
    "A follow-up was sent: the run is queued for a new execution.",
  );
  // Lost the race to another follow-up: the execution it started takes this message too.
  if (!requeued) return {};
  // When Redis is down the run waits QUEUED in Postgres and the sweeper's outbox pass enqueues it.
  const notEnqueued = await deps.dispatcher.dispatch({
    id: runId,
    workerHost: run.workerHost,
    jobId: followupJobId(runId, followup.id),
  });
  return notEnqueued ? { notEnqueued } : {};
}

function deliveryFor(state: RunState): FollowupDelivery {
  if (state === "QUEUED" || state === "PENDING") return "with_prompt";
  if (isTerminalRunState(state)) return "new_execution";
  return "live";
}
