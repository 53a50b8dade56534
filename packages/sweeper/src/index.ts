export { endLostRuns, type RunSweepDeps } from "./lost-runs.ts";
export { endExpiredLeases, endOverdueRuns, reconcileQueuedRuns } from "./sweep-runs.ts";
