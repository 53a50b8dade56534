export { ALLOWED_FROM, canTransition, transitionRun, type RunPatch, type TransitionRequest } from "./state-machine.ts";
export { moveRun, statusMessage, type EventSink, type MoveRunDeps } from "./move-run.ts";
export { queueFollowupExecution, followupJobId } from "./followup-execution.ts";
export { activeTeamRuns, claimWithinTeamLimit, teamAtCapacity } from "./team-capacity.ts";
