import type { RunState } from "./enums.ts";

// The groups of run states every part of the platform reasons with (API, worker, sweeper, dashboard), named once.
// `BLOCKED` is in the wire enum but no run ever enters it here, so no group lists it.

/** Ended: the run does no more work until a follow-up starts a new execution. */
export const TERMINAL_RUN_STATES = ["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"] as const satisfies readonly RunState[];

/** A worker holds the run (and renews its lease), from its claim to its end; each holds one of the team's slots. */
export const HELD_RUN_STATES = ["PENDING", "CLAIMED", "INPROGRESS"] as const satisfies readonly RunState[];

/** The run has (or is getting) a sandbox on a worker: claimed and preparing, or the agent running. */
export const ACTIVE_RUN_STATES = ["CLAIMED", "INPROGRESS"] as const satisfies readonly RunState[];

/** The agent runs (or ran until it was lost): the run is never re-executed silently from here. */
export const STARTED_RUN_STATES = ["INPROGRESS"] as const satisfies readonly RunState[];

/** `POST /agent/runs/{id}/cancel` ends the run from these (PENDING is briefly "retry shortly"). */
export const CANCELLABLE_RUN_STATES = ["QUEUED", "CLAIMED", "INPROGRESS"] as const satisfies readonly RunState[];

/** Not ended yet: queued, held by a worker or running. */
export const LIVE_RUN_STATES = ["QUEUED", ...HELD_RUN_STATES] as const satisfies readonly RunState[];

const member =
  <S extends string>(states: readonly S[]) =>
  (state: string): state is S =>
    (states as readonly string[]).includes(state);

export const isTerminalRunState = member(TERMINAL_RUN_STATES);
export const isHeldRunState = member(HELD_RUN_STATES);
export const isActiveRunState = member(ACTIVE_RUN_STATES);
export const isStartedRunState = member(STARTED_RUN_STATES);
export const isCancellableRunState = member(CANCELLABLE_RUN_STATES);
export const isLiveRunState = member(LIVE_RUN_STATES);
