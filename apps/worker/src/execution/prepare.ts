import type { AmbientAgentConfig, GithubRepo } from "@oz/contract";
import { EgressPolicy } from "@oz/egress";
import { createOutputBuffer } from "@oz/events";
import { recordAgentSkill } from "@oz/runs";
import { createRedactor } from "@oz/secrets";
import { cloneUrl, planPreparation, runPreparation } from "../prepare-sandbox.ts";
import { refusedCloneUrl } from "../repo-egress.ts";
import { loadRunSkills } from "../run-skills.ts";
import type { Execution, StepResult } from "./execution.ts";

/** The run's transcript writer for this execution. */
export const emitterOf = (exec: Execution) => (events: Parameters<Execution["deps"]["events"]["append"]>[1]) =>
  exec.deps.events.append(exec.runId, events);

/** A buffer for a command's output (a setup step's when `step` is given), with the run's secrets redacted. */
export const outputOf = (exec: Execution) => (step?: number) =>
  createOutputBuffer({
    emit: emitterOf(exec),
    ...(step !== undefined && { step }),
    createRedactor: () => createRedactor(exec.secrets),
  });

/**
 * Clones the repos and runs the setup commands (a warm sandbox did that already: its recorded events join the
 * transcript), then loads the run's skills. A refused clone URL, a failing step or a missing skill ends the run.
 */
export async function prepare(exec: Execution): Promise<StepResult> {
  const { deps, environment, warm } = exec;
  const { settings, db } = deps;
  const emit = emitterOf(exec);
  const plan =
    warm?.plan ??
    planPreparation((environment?.repos ?? []) as GithubRepo[], environment?.setupCommands ?? [], {
      githubUrl: settings.githubUrl,
      githubToken: exec.secrets.GITHUB_TOKEN,
    });
  exec.plan = plan;
  const refused =
    warm || environment?.network === "none"
      ? undefined
      : await refusedCloneUrl(
          plan.checkouts.map(({ repo }) => ({
            name: repo.url ?? `${repo.owner}/${repo.repo}`,
            url: cloneUrl(repo, settings.githubUrl, undefined),
          })),
          new EgressPolicy(settings.allowedCidrs ?? []),
        );
  if (refused) return { outcome: "environment_setup_failed", message: refused };
  const prepared = warm
    ? await emit(warm.setupEvents).then(() => ({ ok: true as const }))
    : await runPreparation(exec.sandbox!, plan, { emit, output: outputOf(exec), signal: exec.controller.signal });
  if (exec.controller.signal.aborted) return undefined; // the caller ends a stopped run as such
  if (!prepared.ok) {
    if (environment) await db.environment.update({ where: { id: environment.id }, data: { setupFailed: true } });
    return {
      outcome: "environment_setup_failed",
      message: `Environment setup failed at step ${prepared.step} (${prepared.name}): exit code ${prepared.exitCode}. Fix the environment's repos or setup commands and start a new run.`,
    };
  }
  if (environment?.setupFailed)
    await db.environment.update({ where: { id: environment.id }, data: { setupFailed: false } });

  const config = exec.run.agentConfig as AmbientAgentConfig;
  const skillSpecs = config.skills ?? (config.skill_spec ? [config.skill_spec] : []);
  const skills = await loadRunSkills(exec.sandbox!, skillSpecs, plan.checkouts);
  if (!skills.ok) return { outcome: skills.errorCode, message: skills.message };
  const [primarySkill] = skills.skills;
  if (primarySkill) {
    const { id: full_path, name, description } = primarySkill;
    await recordAgentSkill(db, { ...exec.hold, skill: { full_path, name, ...(description && { description }) } });
  }
  if (skills.skills.length > 0) exec.basePrompt = skills.skills.map((skill) => skill.body).join("\n\n");
  return undefined;
}
