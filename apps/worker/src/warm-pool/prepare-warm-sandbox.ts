import type { NewRunEvent } from "@oz/contract";
import type { GithubRepo } from "@oz/contract";
import type { Environment } from "@oz/db";
import { EgressPolicy } from "@oz/egress";
import { createOutputBuffer } from "@oz/events";
import type { WorkerDeps } from "../deps.ts";
import { cloneUrl, planPreparation, runPreparation } from "../prepare-sandbox.ts";
import { refusedCloneUrl } from "../repo-egress.ts";
import { SANDBOX_PATH_ENV, sandboxShapeOf } from "../sandbox-spec.ts";
import { poolKeyOf, type WarmSandbox } from "./warm-sandbox.ts";

export type PreparedWarmSandbox = { ok: true; warm: WarmSandbox } | { ok: false; reason: string };

/**
 * One sandbox for `environment`'s warm pool, through the same provider, hardening, network and labels as a run's
 * (plus the pool label), cloned and set up exactly as a cold run would be — but with no secret, no run id and no
 * prompt: repos are cloned without a GitHub token and setup commands run without the run's secrets. The steps'
 * events are recorded, not stored, for the run that takes the sandbox. A failed step discards the sandbox.
 */
export async function prepareWarmSandbox(
  deps: Pick<WorkerDeps, "sandboxes" | "settings">,
  environment: Environment,
  imageId: string | null,
  signal: AbortSignal,
): Promise<PreparedWarmSandbox> {
  const { settings } = deps;
  const plan = planPreparation((environment.repos ?? []) as GithubRepo[], environment.setupCommands, {
    githubUrl: settings.githubUrl,
  });
  if (environment.network !== "none") {
    const refused = await refusedCloneUrl(
      plan.checkouts.map(({ repo }) => ({
        name: repo.url ?? `${repo.owner}/${repo.repo}`,
        url: cloneUrl(repo, settings.githubUrl, undefined),
      })),
      new EgressPolicy(settings.allowedCidrs ?? []),
    );
    if (refused) return { ok: false, reason: refused };
  }
  const sandbox = await deps.sandboxes.create({
    ...sandboxShapeOf(environment, settings),
    runId: "",
    pool: environment.id,
    teamId: environment.teamId,
    workerId: settings.workerId,
    env: { ...SANDBOX_PATH_ENV },
  });
  try {
    const setupEvents: NewRunEvent[] = [];
    const record = async (events: NewRunEvent[]) => void setupEvents.push(...events);
    const prepared = await runPreparation(sandbox, plan, {
      emit: record,
      // Nobody watches a pool fill live: output is kept in larger pieces.
      output: (step) => createOutputBuffer({ emit: record, step, flushMs: 500 }),
      signal,
    });
    if (!prepared.ok || signal.aborted) {
      await sandbox.destroy();
      const why = prepared.ok
        ? "the pool was closed"
        : `step ${prepared.step} (${prepared.name}) exited ${prepared.exitCode}`;
      return { ok: false, reason: `setup failed: ${why}` };
    }
    return {
      ok: true,
      warm: {
        sandbox,
        environmentId: environment.id,
        teamId: environment.teamId,
        key: poolKeyOf(environment, imageId),
        plan,
        setupEvents,
      },
    };
  } catch (err) {
    await sandbox.destroy().catch(() => {});
    throw err;
  }
}
