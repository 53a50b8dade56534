import type { Environment, Run } from "@oz/db";
import { loadSecretsForRun } from "@oz/secrets";
import type { WorkerDeps } from "../deps.ts";
import type { Ending } from "./execution.ts";

export type RunSetup =
  { environment: Environment | null; secrets: { values: Record<string, string> } } | { failure: Ending };

/** The run's environment (if it has one) and the secret values its sandbox gets, or why the run cannot start. */
export async function loadRunSetup(deps: WorkerDeps, run: Run): Promise<RunSetup> {
  const environment = run.environmentId
    ? await deps.db.environment.findFirst({ where: { id: run.environmentId, teamId: run.teamId } })
    : null;
  if (run.environmentId && (!environment || environment.deletedAt)) {
    const message = `Environment ${run.environmentId} no longer exists.`;
    return { failure: { outcome: "resource_not_found", message } };
  }
  if (environment && environment.secrets.length > 0 && writtenByAgent(environment)) {
    // Only people may name secrets in an environment (an agent's key could otherwise take any team secret);
    // one an agent wrote before that rule grants nothing until a person saves it again.
    const message = `Environment ${environment.id} was last changed by a cloud agent; a team member must save it again before its secrets are used.`;
    return { failure: { outcome: "not_authorized", message } };
  }
  const secrets = await loadRunSecrets(deps, run, environment?.secrets ?? []);
  if ("missing" in secrets) {
    return { failure: { outcome: "environment_setup_failed", message: secrets.missing } };
  }
  return { environment, secrets };
}

/** The environment's last writer was a cloud agent (`updated_by` is set on create too). */
const writtenByAgent = (env: Environment) => env.updatedBy?.startsWith("service_account:") ?? false;

async function loadRunSecrets(
  deps: WorkerDeps,
  run: Run,
  environmentSecrets: readonly string[],
): Promise<{ values: Record<string, string> } | { missing: string }> {
  const names = new Set(environmentSecrets);
  if (run.executorKind === "service_account") {
    const agent = await deps.db.agent.findUnique({ where: { id: run.executorId }, select: { secrets: true } });
    for (const name of agent?.secrets ?? []) names.add(name);
  }
  if (names.size === 0) return { values: {} };
  try {
    return { values: await loadSecretsForRun(deps.db, deps.secretBox, run.teamId, [...names]) };
  } catch (err) {
    return { missing: `Secrets could not be loaded: ${(err as Error).message}` };
  }
}
