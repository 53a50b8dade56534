import { claimRun } from "@oz/runs";
import { acquireSandbox } from "./acquire-sandbox.ts";
import { collect } from "./collect.ts";
import { confirm } from "./confirm-claim.ts";
import {
  closeExecution,
  openExecution,
  TeamAtCapacity,
  type ExecuteRunDeps,
  type Execution,
  type JobAttempt,
  type StepResult,
} from "./execution.ts";
import { continueWithLateFollowups, endAfterFailure, endStopped, finish } from "./finish.ts";
import { prepare } from "./prepare.ts";
import { runHarness } from "./run-harness.ts";

/** The steps up to the agent's outcome, in order; each may end the run (see StepResult). */
const STEPS: readonly ((exec: Execution) => Promise<StepResult>)[] = [confirm, acquireSandbox, prepare, runHarness];

/**
 * One run, end to end: claim → sandbox → clone and set up → harness → artifacts → end state →
 * sandbox removed. Every state change goes through the run engine (packages/runs), so a cancel or the sweeper
 * racing us always leaves exactly one true end state.
 */
export async function executeRun(deps: ExecuteRunDeps, runId: string, attempt: JobAttempt): Promise<void> {
  const { settings } = deps;
  const pending = await claimRun(deps, {
    runId,
    workerId: settings.workerId,
    leaseMs: settings.leaseMs,
    teamLimit: settings.teamMaxConcurrentRuns ?? 0,
  });
  if (pending === "at_capacity") throw new TeamAtCapacity();
  if (!pending) return; // cancelled while queued, or another worker has it: nothing to do

  const exec = openExecution(deps, pending, attempt);
  try {
    for (const step of STEPS) {
      const result = await step(exec);
      if (result === "gone") return;
      if (result) return await finish(exec, result);
      if (exec.controller.signal.aborted) return await endStopped(exec);
    }
    await collect(exec);
    await finish(exec, exec.outcome!);
    await continueWithLateFollowups(exec);
  } catch (err) {
    await endAfterFailure(exec, err);
  } finally {
    await closeExecution(exec);
  }
}
