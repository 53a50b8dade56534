// The run engine: the one module that changes a run. Each intent carries its transition's columns and writes
// the run's state event in the same transaction (state-change.ts); the edges are in state-machine.ts.
export type { EventSink, RunEngineDeps } from "./state-change.ts";
export { claimRun, confirmClaim, startExecution, type WorkerHold } from "./claim.ts";
export { cancelRun, endRun, endStateOf, statusMessage, type RunEnding, type RunOutcome } from "./end-run.ts";
export { requeueRun } from "./requeue-run.ts";
export { queueFollowupExecution, followupJobId } from "./followup-execution.ts";
export {
  markEnqueued,
  markSandboxRunning,
  markSandboxStopped,
  noteWaitingForHost,
  recordAgentSkill,
  renewLease,
} from "./run-columns.ts";
export { addUpUsage } from "./run-usage.ts";
export { activeTeamRuns, teamAtCapacity } from "./team-capacity.ts";
export {
  assertWithinBudget,
  budgetExceededMessage,
  budgetExceededTitle,
  budgetPeriod,
  formatUsd,
  teamSpending,
  type TeamSpending,
} from "./team-budget.ts";
