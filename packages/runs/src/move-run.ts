import type { ErrorCode, NewRunEvent, RunState, RunStatusMessage } from "@oz/contract";
import type { Db, Run } from "@oz/db";
import { ERROR_CATALOGUE } from "@oz/errors";
import { transitionRun, type TransitionRequest } from "./state-machine.ts";

export interface EventSink {
  append(runId: string, events: NewRunEvent[]): Promise<unknown>;
}

export interface MoveRunDeps {
  db: Db;
  events: EventSink;
}

/** A status message for a run that ends with an error code; `retryable` comes from the catalogue. */
export function statusMessage(message: string, errorCode?: ErrorCode): RunStatusMessage {
  return errorCode ? { message, error_code: errorCode, retryable: ERROR_CATALOGUE[errorCode].retryable } : { message };
}

/**
 * Transitions a run (guarded, see state-machine.ts) and records the change in its transcript. Returns
 * the updated run, or null when the run was not in a state that allows the move.
 */
export async function moveRun(
  deps: MoveRunDeps,
  req: TransitionRequest & { status?: RunStatusMessage },
): Promise<Run | null> {
  const patch = { ...req.patch, ...(req.status && { statusMessage: req.status }) };
  const run = await transitionRun(deps.db, { ...req, patch });
  if (run) {
    const payload: { state: RunState; message?: string; error_code?: ErrorCode } = { state: req.to };
    if (req.status?.message) payload.message = req.status.message;
    if (req.status?.error_code) payload.error_code = req.status.error_code;
    await deps.events.append(run.id, [{ type: "state", payload }]);
  }
  return run;
}
