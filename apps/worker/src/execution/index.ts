export { executeRun } from "./execute-run.ts";
export { RetryLater, TeamAtCapacity, type ExecuteRunDeps, type JobAttempt } from "./execution.ts";
