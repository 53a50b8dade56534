export { endLostRuns, type RunSweepDeps } from "./lost-runs.ts";
export { endExpiredLeases, endOverdueRuns, reconcileQueuedRuns, HELD_STATES } from "./sweep-runs.ts";
