import { markSandboxRunning } from "@oz/runs";
import { SANDBOX_PATH_ENV, sandboxShapeOf } from "../sandbox-spec.ts";
import { destroySandbox, type Execution, type StepResult } from "./execution.ts";

/**
 * A warm sandbox of the environment (already set up; the run's secrets join each command), or a new one. Its
 * start is recorded alongside the preparation; the run only reads as INPROGRESS once it is.
 */
export async function acquireSandbox(exec: Execution): Promise<StepResult> {
  const { deps, runId, environment } = exec;
  const { settings } = deps;
  const startedAt = new Date();
  const runEnv = {
    ...exec.secrets,
    OZ_RUN_ID: runId,
    ...(settings.sandboxApiUrl && { OZ_API_BASE_URL: settings.sandboxApiUrl }),
  };
  exec.warm = environment && (await deps.pools?.claim(environment, runId, runEnv));
  exec.sandbox =
    exec.warm?.sandbox ??
    (await deps.sandboxes.create({
      ...sandboxShapeOf(environment, settings),
      runId,
      teamId: exec.run.teamId,
      workerId: exec.hold.workerId,
      env: { ...runEnv, ...SANDBOX_PATH_ENV },
    }));
  if (exec.controller.signal.aborted) await destroySandbox(exec);
  exec.sandboxMarked = markSandboxRunning(deps.db, { ...exec.hold, startedAt }).catch(() => {});
  return undefined;
}
