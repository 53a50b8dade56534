import { collectArtifacts } from "../collect-artifacts.ts";
import type { Execution } from "./execution.ts";
import { emitterOf } from "./prepare.ts";

/** What the agent left in `$OZ_ARTIFACTS_DIR` becomes the run's artifacts, before the sandbox goes. */
export async function collect(exec: Execution): Promise<void> {
  await collectArtifacts(exec.deps, {
    runId: exec.runId,
    teamId: exec.run.teamId,
    sandbox: exec.sandbox!,
    secrets: exec.secrets,
    emit: emitterOf(exec),
  });
}
