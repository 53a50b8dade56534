import type { AmbientAgentConfig, GithubRepo, HarnessType } from "@oz/contract";
import { createOutputBuffer } from "@oz/events";
import { createRedactor, loadSecretsForRun, redactSecrets } from "@oz/secrets";
import { selectHarness, type HarnessOutcome } from "@oz/harness";
import { moveRun, statusMessage } from "@oz/runs";
import { SandboxError, type Sandbox } from "@oz/sandbox";
import type { Prisma, Run } from "@oz/db";
import type { StopReason } from "./active-runs.ts";
import { collectArtifacts } from "./collect-artifacts.ts";
import type { WorkerDeps } from "./deps.ts";
import { keepLease } from "./lease.ts";
import { planPreparation, runPreparation } from "./prepare-sandbox.ts";
import { SANDBOX_PATHS } from "./settings.ts";
import { shellQuote } from "./shell-quote.ts";

export interface JobAttempt {
  /** This is BullMQ's last attempt: an infrastructure failure now ends the run instead of retrying it. */
  isFinalAttempt: boolean;
}

/** Thrown to make BullMQ retry the job later (the run is back in QUEUED). */
export class RetryLater extends Error {
  override name = "RetryLater";
}

type Ending = HarnessOutcome;

/**
 * One run, end to end (DESIGN §3): claim → sandbox → clone and set up → harness → artifacts → end state →
 * sandbox removed. Every state change goes through the state machine, so a cancel or the sweeper racing
 * us always leaves exactly one true end state.
 */
export async function executeRun(deps: WorkerDeps, runId: string, attempt: JobAttempt): Promise<void> {
  const { db, settings } = deps;
  const workerId = settings.workerId;
  const lease = () => new Date(Date.now() + settings.leaseMs);

  const pending = await moveRun(deps, {
    runId,
    to: "PENDING",
    from: ["QUEUED"],
    patch: { workerId, leaseExpiresAt: lease() },
  });
  if (!pending) return; // cancelled while queued, or another worker has it: nothing to do
  await db.run.update({ where: { id: runId }, data: { attempts: { increment: 1 } } });

  const controller = deps.active.start(runId);
  const leaseKeeper = keepLease(db, {
    runId,
    workerId,
    leaseMs: settings.leaseMs,
    onLost: () => deps.active.stop(runId, "lost"),
  });
  const log = deps.log.child({ runId });
  let sandbox: Sandbox | undefined;
  let sandboxStartedAt: number | undefined;
  let reachedInProgress = false;
  let destroying: Promise<void> | undefined;
  /** Removes the sandbox once; every caller (cancel, end, cleanup) waits for the same removal. */
  const destroySandbox = async () => {
    if (!sandbox) return;
    destroying ??= sandbox.destroy().catch((err) => log.warn({ err }, "could not remove sandbox; the sweeper will"));
    await destroying;
  };

  // Cancelling kills the sandbox at once: the exec'd processes die with it (issue: within 2 s).
  controller.signal.addEventListener("abort", () => void destroySandbox(), { once: true });
  const maxRuntime = setTimeout(() => deps.active.stop(runId, "timeout"), settings.maxRuntimeMs);
  maxRuntime.unref();

  const end = async (ending: Ending) => {
    // The sandbox goes first: a run that reads as ended never still has a container.
    await destroySandbox();
    const computeSeconds = sandboxStartedAt ? (Date.now() - sandboxStartedAt) / 1000 : 0;
    const ended = await moveRun(deps, {
      runId,
      to: ending.state,
      workerId,
      status: statusMessage(ending.message, ending.errorCode),
      patch: {
        endedAt: new Date(),
        isSandboxRunning: false,
        leaseExpiresAt: null,
        requestUsage: {
          ...ending.usage,
          compute_seconds: Math.round(computeSeconds * 1000) / 1000,
        } as Prisma.InputJsonObject,
        // run_time sums a run's executions (a follow-up adds another).
        runTimeMs: { increment: Math.round(computeSeconds * 1000) },
      },
    });
    if (!ended) log.info({ wanted: ending.state }, "run already ended elsewhere (cancelled or swept)");
  };

  try {
    const claimed = await moveRun(deps, { runId, to: "CLAIMED", workerId, patch: { leaseExpiresAt: lease() } });
    if (!claimed) return;
    const config = claimed.agentConfig as AmbientAgentConfig;
    const harnessType: HarnessType = config.harness?.type ?? "oz";
    const harness = selectHarness(harnessType);
    if ("unavailable" in harness)
      return await end({ state: "FAILED", errorCode: "feature_not_available", message: harness.unavailable });

    const environment = claimed.environmentId
      ? await db.environment.findFirst({ where: { id: claimed.environmentId, teamId: claimed.teamId } })
      : null;
    if (claimed.environmentId && (!environment || environment.deletedAt)) {
      return await end({
        state: "FAILED",
        errorCode: "resource_not_found",
        message: `Environment ${claimed.environmentId} no longer exists.`,
      });
    }

    const secrets = await loadRunSecrets(deps, claimed, environment?.secrets ?? []);
    if ("missing" in secrets) {
      return await end({ state: "FAILED", errorCode: "environment_setup_failed", message: secrets.missing });
    }

    sandboxStartedAt = Date.now();
    sandbox = await deps.sandboxes.create({
      runId,
      teamId: claimed.teamId,
      workerId,
      image: environment?.dockerImage ?? settings.defaultImage,
      network: environment?.network === "none" ? "none" : "bridge",
      resources: {
        cpus: environment?.cpus ?? settings.defaultResources.cpus,
        memoryMb: environment?.memoryMb ?? settings.defaultResources.memoryMb,
        pidsLimit: environment?.pidsLimit ?? settings.defaultResources.pidsLimit,
      },
      workdir: SANDBOX_PATHS.workspace,
      env: {
        ...secrets.values,
        OZ_RUN_ID: runId,
        OZ_PROMPT: claimed.prompt,
        OZ_WORKSPACE: SANDBOX_PATHS.workspace,
        OZ_ARTIFACTS_DIR: SANDBOX_PATHS.artifacts,
      },
    });
    if (controller.signal.aborted) await destroySandbox();
    await db.run.updateMany({ where: { id: runId, workerId }, data: { isSandboxRunning: true } });

    const outputFor = (step?: number) =>
      createOutputBuffer({
        emit: (events) => deps.events.append(runId, events),
        ...(step !== undefined && { step }),
        createRedactor: () => createRedactor(secrets.values),
      });
    const emit = (events: Parameters<typeof deps.events.append>[1]) => deps.events.append(runId, events);

    await sandbox.exec(`mkdir -p ${shellQuote(SANDBOX_PATHS.artifacts)}`, { signal: controller.signal });
    const plan = planPreparation((environment?.repos ?? []) as GithubRepo[], environment?.setupCommands ?? [], {
      githubUrl: settings.githubUrl,
      githubToken: secrets.values.GITHUB_TOKEN,
    });
    const prepared = await runPreparation(sandbox, plan, { emit, output: outputFor, signal: controller.signal });
    if (controller.signal.aborted) return await endStopped(controller.signal.reason as StopReason);
    if (!prepared.ok) {
      if (environment) await db.environment.update({ where: { id: environment.id }, data: { setupFailed: true } });
      return await end({
        state: "FAILED",
        errorCode: "environment_setup_failed",
        message: `Environment setup failed at step ${prepared.step} (${prepared.name}): exit code ${prepared.exitCode}. Fix the environment's repos or setup commands and start a new run.`,
      });
    }
    if (environment?.setupFailed)
      await db.environment.update({ where: { id: environment.id }, data: { setupFailed: false } });

    const started = await moveRun(deps, {
      runId,
      to: "INPROGRESS",
      workerId,
      patch: { startedAt: new Date(), leaseExpiresAt: lease() },
    });
    if (!started) return;
    reachedInProgress = true;
    const outcome = await harness.run({
      run: { id: runId, prompt: claimed.prompt, config },
      sandbox,
      cwd: plan.cwd,
      env: {},
      emit,
      output: () => outputFor(),
      signal: controller.signal,
      models: deps.models,
      resolveSecret: async (name) => {
        const value = (await loadSecretsForRun(db, deps.secretBox, claimed.teamId, [name]))[name]!;
        secrets.values[name] = value; // a model key used by the harness is redacted like every other secret
        return value;
      },
      redact: (text) => redactSecrets(text, secrets.values),
      toolLoopLimits: settings.toolLoopLimits,
    });
    if (controller.signal.aborted) return await endStopped(controller.signal.reason as StopReason);
    await collectArtifacts(deps, { runId, teamId: claimed.teamId, sandbox, secrets: secrets.values, emit });
    await end(outcome);
  } catch (err) {
    if (controller.signal.aborted) return await endStopped(controller.signal.reason as StopReason);
    await endAfterFailure(err);
  } finally {
    clearTimeout(maxRuntime);
    leaseKeeper.stop();
    deps.active.finish(runId);
    await destroySandbox();
    await db.run.updateMany({ where: { id: runId, workerId }, data: { isSandboxRunning: false } }).catch(() => {});
  }

  /** The run was stopped from outside: cancelled (already CANCELLED), timed out, or taken from us. */
  async function endStopped(reason: StopReason) {
    if (reason === "timeout") {
      await end({
        state: "ERROR",
        errorCode: "infrastructure_timeout",
        message: `The run exceeded the maximum runtime of ${Math.round(settings.maxRuntimeMs / 1000)} s and was stopped.`,
      });
    }
  }

  async function endAfterFailure(err: unknown) {
    const infrastructure = err instanceof SandboxError && err.code !== "image_missing";
    if (err instanceof SandboxError && err.code === "image_missing") {
      return end({ state: "FAILED", errorCode: "environment_setup_failed", message: err.message });
    }
    if (infrastructure && !reachedInProgress) {
      if (!attempt.isFinalAttempt) {
        const requeued = await moveRun(deps, {
          runId,
          to: "QUEUED",
          workerId,
          status: { message: `Sandbox could not be started (${err.message}); retrying shortly.` },
          patch: { workerId: null, leaseExpiresAt: null, isSandboxRunning: false },
        });
        if (requeued) throw new RetryLater(err.message);
        return;
      }
      return end({
        state: "ERROR",
        errorCode: "resource_unavailable",
        message: `Sandbox could not be started after several attempts: ${err.message}`,
      });
    }
    log.error({ err }, "run failed unexpectedly");
    return end({
      state: "ERROR",
      errorCode: reachedInProgress ? "agent_process_failed" : "internal_error",
      message: `The run failed unexpectedly: ${(err as Error)?.message ?? String(err)}`,
    });
  }
}

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
