// The API's internals that tests and benchmarks (bench/) drive directly, exported as test support so that nothing
// outside the app reaches into its sources.
export { createTeam, type CreatedTeam } from "../../src/teams/create-team.ts";
export { cursorFingerprint, encodeCursor } from "../../src/runs/cursor.ts";
export { runFiltersOf } from "../../src/runs/run-filters.ts";
export { countRunsInFlight } from "../../src/metrics/run-gauges.ts";
export type { AppDeps } from "../../src/deps.ts";
