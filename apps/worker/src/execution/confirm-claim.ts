import { issueRunCredential } from "@oz/auth";
import { confirmClaim } from "@oz/runs";
import { recordDispatch } from "../metrics/run-metrics.ts";
import type { Execution, StepResult } from "./execution.ts";
import { loadRunSetup } from "./run-setup.ts";

/**
 * PENDING → CLAIMED. The environment and secrets are read while the claim is written: the queued run names them
 * already. The run's credential works only while the run executes (packages/auth/src/run-credentials.ts), so
 * minting it early is harmless.
 */
export async function confirm(exec: Execution): Promise<StepResult> {
  const { deps } = exec;
  const [claimed, setup, runCredential] = await Promise.all([
    confirmClaim(deps, exec.hold),
    loadRunSetup(deps, exec.run),
    issueRunCredential(deps.db, exec.runId),
  ]);
  if (!claimed) return "gone";
  exec.run = claimed;
  recordDispatch(deps.metrics, "claimed", claimed, exec.attempt.enqueuedAt);
  if ("failure" in setup) return setup.failure;
  exec.environment = setup.environment;
  // The sandbox's way to the platform (federated tokens): a secret like any other, so it is redacted everywhere.
  exec.secrets = { ...setup.secrets.values, OZ_RUN_TOKEN: runCredential };
  return undefined;
}
