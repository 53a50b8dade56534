import type { AmbientAgentConfig, GithubRepo, HarnessType } from "@oz/contract";
import { EgressPolicy } from "@oz/egress";
import { createOutputBuffer } from "@oz/events";
import { createRedactor, loadSecretsForRun, redactSecrets } from "@oz/secrets";
import { selectHarness, type HarnessOutcome } from "@oz/harness";
import { claimWithinTeamLimit, followupJobId, moveRun, queueFollowupExecution, statusMessage } from "@oz/runs";
import type { RunQueues } from "@oz/queue";
import { SandboxError, type Sandbox } from "@oz/sandbox";
import type { Environment, Prisma, Run } from "@oz/db";
import type { StopReason } from "./active-runs.ts";
import { collectArtifacts } from "./collect-artifacts.ts";
import type { WorkerDeps } from "./deps.ts";
import { executionPrompt, firstWaitingFollowup, FollowupInbox } from "./followup-inbox.ts";
import { keepLease } from "./lease.ts";
import { cloneUrl, planPreparation, runPreparation } from "./prepare-sandbox.ts";
import { refusedCloneUrl } from "./repo-egress.ts";
import { runConversation } from "./run-conversation.ts";
import { loadRunSkills } from "./run-skills.ts";
import { addUpUsage } from "./run-usage.ts";
import { SANDBOX_PATHS, type WorkerSettings } from "./settings.ts";

export interface JobAttempt {
  /** This is BullMQ's last attempt: an infrastructure failure now ends the run instead of retrying it. */
  isFinalAttempt: boolean;
}

/** The run's team has as many runs in progress as it may: the run stays QUEUED and its job waits for a slot. */
export class TeamAtCapacity extends Error {
  override name = "TeamAtCapacity";
}

/** Thrown to make BullMQ retry the job later (the run is back in QUEUED). */
export class RetryLater extends Error {
  override name = "RetryLater";
}

type Ending = HarnessOutcome;

export interface ExecuteRunDeps extends WorkerDeps {
  /** To queue the next execution when a follow-up arrives as this one ends (else the sweeper's outbox does). */
  queues?: Pick<RunQueues, "enqueue">;
}

/**
 * One run, end to end (DESIGN §3): claim → sandbox → clone and set up → harness → artifacts → end state →
 * sandbox removed. Every state change goes through the state machine, so a cancel or the sweeper racing
 * us always leaves exactly one true end state.
 */
export async function executeRun(deps: ExecuteRunDeps, runId: string, attempt: JobAttempt): Promise<void> {
  const { db, settings } = deps;
  const workerId = settings.workerId;
  const lease = () => new Date(Date.now() + settings.leaseMs);

  const pending = await claimWithinTeamLimit(
    deps,
    {
      runId,
      to: "PENDING",
      from: ["QUEUED"],
      patch: { workerId, leaseExpiresAt: lease(), attempts: { increment: 1 } },
    },
    settings.teamMaxConcurrentRuns ?? 0,
  );
  if (pending === "at_capacity") throw new TeamAtCapacity();
  if (!pending) return; // cancelled while queued, or another worker has it: nothing to do

  const controller = deps.active.start(runId);
  const leaseKeeper = keepLease(db, {
    runId,
    workerId,
    leaseMs: settings.leaseMs,
    // This execution's own controller: a follow-up's next execution of the run may already be starting here.
    onLost: () => controller.signal.aborted || controller.abort("lost" satisfies StopReason),
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

  /** The run's secret values once loaded (a model key the harness resolves joins them): never in a message. */
  let secretValues: Record<string, string> = {};
  /** The run as this execution ended it (null when a cancel or the sweeper ended it first). */
  let endedHere: Run | null = null;
  const end = async (ending: Ending) => {
    // The sandbox goes first: a run that reads as ended never still has a container.
    await destroySandbox();
    const computeSeconds = sandboxStartedAt ? (Date.now() - sandboxStartedAt) / 1000 : 0;
    const ended = await moveRun(deps, {
      runId,
      to: ending.state,
      workerId,
      status: statusMessage(redactSecrets(ending.message, secretValues), ending.errorCode),
      patch: {
        endedAt: new Date(),
        isSandboxRunning: false,
        leaseExpiresAt: null,
        // A follow-up's execution adds to what the run's earlier executions used.
        requestUsage: addUpUsage(pending.requestUsage, {
          ...ending.usage,
          compute_seconds: Math.round(computeSeconds * 1000) / 1000,
        }) as Prisma.InputJsonObject,
        // run_time sums a run's executions (a follow-up adds another).
        runTimeMs: { increment: Math.round(computeSeconds * 1000) },
      },
    });
    if (!ended) log.info({ wanted: ending.state }, "run already ended elsewhere (cancelled or swept)");
    endedHere = ended;
  };

  try {
    // The environment and secrets are read while the claim is written: the queued run names them already.
    const [claimed, setup] = await Promise.all([
      moveRun(deps, { runId, to: "CLAIMED", workerId, patch: { leaseExpiresAt: lease() } }),
      loadRunSetup(deps, pending),
    ]);
    if (!claimed) return;
    if ("failure" in setup) return await end(setup.failure);
    const { environment, secrets } = setup;
    secretValues = secrets.values;
    const config = claimed.agentConfig as AmbientAgentConfig;
    const harnessType: HarnessType = config.harness?.type ?? "oz";
    const harness = selectHarness(harnessType);

    sandboxStartedAt = Date.now();
    sandbox = await deps.sandboxes.create({
      runId,
      teamId: claimed.teamId,
      workerId,
      image: environment?.dockerImage ?? settings.defaultImage,
      network: environment?.network === "none" ? "none" : "bridge",
      resources: withinMaxima(
        {
          cpus: environment?.cpus ?? settings.defaultResources.cpus,
          memoryMb: environment?.memoryMb ?? settings.defaultResources.memoryMb,
          pidsLimit: environment?.pidsLimit ?? settings.defaultResources.pidsLimit,
        },
        settings.sandboxMaxima,
      ),
      workdir: SANDBOX_PATHS.workspace,
      directories: [SANDBOX_PATHS.artifacts],
      env: {
        ...secrets.values,
        OZ_RUN_ID: runId,
        OZ_WORKSPACE: SANDBOX_PATHS.workspace,
        OZ_ARTIFACTS_DIR: SANDBOX_PATHS.artifacts,
      },
    });
    if (controller.signal.aborted) await destroySandbox();
    // Written alongside the preparation; the run only reads as INPROGRESS once it is.
    const sandboxMarked = db.run.updateMany({ where: { id: runId, workerId }, data: { isSandboxRunning: true } });
    sandboxMarked.catch(() => {});

    const outputFor = (step?: number) =>
      createOutputBuffer({
        emit: (events) => deps.events.append(runId, events),
        ...(step !== undefined && { step }),
        createRedactor: () => createRedactor(secrets.values),
      });
    const emit = (events: Parameters<typeof deps.events.append>[1]) => deps.events.append(runId, events);

    const plan = planPreparation((environment?.repos ?? []) as GithubRepo[], environment?.setupCommands ?? [], {
      githubUrl: settings.githubUrl,
      githubToken: secrets.values.GITHUB_TOKEN,
    });
    const refused =
      environment?.network === "none"
        ? undefined
        : await refusedCloneUrl(
            plan.checkouts.map(({ repo }) => ({
              name: repo.url ?? `${repo.owner}/${repo.repo}`,
              url: cloneUrl(repo, settings.githubUrl, undefined),
            })),
            new EgressPolicy(settings.allowedCidrs ?? []),
          );
    if (refused) return await end({ state: "FAILED", errorCode: "environment_setup_failed", message: refused });
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

    const skillSpecs = config.skills ?? (config.skill_spec ? [config.skill_spec] : []);
    const skills = await loadRunSkills(sandbox, skillSpecs, plan.checkouts);
    if (!skills.ok) return await end({ state: "FAILED", errorCode: skills.errorCode, message: skills.message });
    const [primarySkill] = skills.skills;
    if (primarySkill) {
      const { id: full_path, name, description } = primarySkill;
      await db.run.updateMany({
        where: { id: runId, workerId },
        data: { agentSkill: { full_path, name, ...(description && { description }) } },
      });
    }

    await sandboxMarked;
    const now = new Date();
    const started = await moveRun(deps, {
      runId,
      to: "INPROGRESS",
      workerId,
      // started_at is the first execution's start (contract §3.2); the sweeper times the current one.
      patch: { startedAt: claimed.startedAt ?? now, executionStartedAt: now, leaseExpiresAt: lease() },
    });
    if (!started) return;
    reachedInProgress = true;
    // Follow-ups sent before now join the prompt; later ones reach a live agent through the inbox.
    const inbox = new FollowupInbox(db, runId);
    deps.active.onFollowup(runId, () => {
      inbox.announce();
      if (!harness.takesLiveFollowups) void noteFollowupForNextExecution();
    });
    const prompt = executionPrompt(claimed.prompt, claimed.startedAt !== null, await inbox.take({ recheck: true }));
    const outcome = await harness.run({
      run: { id: runId, prompt, config },
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
      ...(skills.skills.length > 0 && { basePrompt: skills.skills.map((skill) => skill.body).join("\n\n") }),
      followups: inbox,
      conversation: runConversation(db, runId),
      ...(environment?.network !== "none" && { egress: new EgressPolicy(settings.allowedCidrs ?? []) }),
    });
    if (controller.signal.aborted) return await endStopped(controller.signal.reason as StopReason);
    await collectArtifacts(deps, { runId, teamId: claimed.teamId, sandbox, secrets: secrets.values, emit });
    await end(outcome);
    if (endedHere) await continueWithLateFollowups(endedHere);
  } catch (err) {
    if (controller.signal.aborted) return await endStopped(controller.signal.reason as StopReason);
    await endAfterFailure(err);
  } finally {
    clearTimeout(maxRuntime);
    leaseKeeper.stop();
    deps.active.finish(runId, controller);
    await destroySandbox();
    // An ending of this execution's own already said so; a cancel, the sweeper or a failure may not have.
    if (!endedHere)
      await db.run
        // Not a follow-up's next execution of the run that already holds a sandbox on this worker.
        .updateMany({
          where: { id: runId, workerId, state: { notIn: ["CLAIMED", "INPROGRESS", "BLOCKED"] } },
          data: { isSandboxRunning: false },
        })
        .catch(() => {});
  }

  /**
   * A follow-up that arrived as the agent was ending found the run still running, so the API left it to this
   * execution; the agent never read it. Start the next execution with it, as the API does for an ended run.
   */
  async function continueWithLateFollowups(ended: Run) {
    const waiting = await firstWaitingFollowup(db, runId);
    if (!waiting) return;
    const requeued = await queueFollowupExecution(
      deps,
      runId,
      "A follow-up arrived as the run ended: the run is queued for a new execution.",
    );
    if (!requeued) return;
    // Without a queue here (or with Redis down) the sweeper's outbox pass enqueues it.
    await deps.queues
      ?.enqueue({ id: runId, workerHost: ended.workerHost, jobId: followupJobId(runId, waiting.id) })
      .catch((err: unknown) => log.warn({ err }, "follow-up execution not enqueued; the sweeper will"));
  }

  /** A harness that cannot take input while running gets its follow-ups in the next execution: say so. */
  async function noteFollowupForNextExecution() {
    await deps.events
      .append(runId, [
        {
          type: "harness",
          payload: {
            message:
              "A follow-up arrived while the agent runs; this harness cannot take input while running, so a new " +
              "execution of the run will start with it once this one ends.",
          },
        },
      ])
      .catch(() => {});
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
    log.error({ err: redactedError(err, secretValues) }, "run failed unexpectedly");
    return end({
      state: "ERROR",
      errorCode: reachedInProgress ? "agent_process_failed" : "internal_error",
      message: `The run failed unexpectedly: ${(err as Error)?.message ?? String(err)}`,
    });
  }
}

/** The API refuses larger sandboxes; an environment saved before the maxima were lowered is capped here. */
function withinMaxima(
  resources: { cpus: number; memoryMb: number; pidsLimit: number },
  maxima: WorkerSettings["sandboxMaxima"],
) {
  if (!maxima) return resources;
  return {
    cpus: Math.min(resources.cpus, maxima.cpus),
    memoryMb: Math.min(resources.memoryMb, maxima.memoryMb),
    pidsLimit: Math.min(resources.pidsLimit, maxima.pidsLimit),
  };
}

/** What a log line may show of an error: its name, message and stack, with every secret value redacted. */
function redactedError(err: unknown, secrets: Record<string, string>) {
  if (!(err instanceof Error)) return redactSecrets(String(err), secrets);
  return {
    name: err.name,
    message: redactSecrets(err.message, secrets),
    stack: redactSecrets(err.stack ?? "", secrets),
  };
}

type RunSetup = { environment: Environment | null; secrets: { values: Record<string, string> } } | { failure: Ending };

/** The run's environment (if it has one) and the secret values its sandbox gets, or why the run cannot start. */
async function loadRunSetup(deps: WorkerDeps, run: Run): Promise<RunSetup> {
  const environment = run.environmentId
    ? await deps.db.environment.findFirst({ where: { id: run.environmentId, teamId: run.teamId } })
    : null;
  if (run.environmentId && (!environment || environment.deletedAt)) {
    const message = `Environment ${run.environmentId} no longer exists.`;
    return { failure: { state: "FAILED", errorCode: "resource_not_found", message } };
  }
  if (environment && environment.secrets.length > 0 && writtenByAgent(environment)) {
    // Only people may name secrets in an environment (an agent's key could otherwise take any team secret);
    // one an agent wrote before that rule grants nothing until a person saves it again.
    const message = `Environment ${environment.id} was last changed by a cloud agent; a team member must save it again before its secrets are used.`;
    return { failure: { state: "FAILED", errorCode: "not_authorized", message } };
  }
  const secrets = await loadRunSecrets(deps, run, environment?.secrets ?? []);
  if ("missing" in secrets) {
    return { failure: { state: "FAILED", errorCode: "environment_setup_failed", message: secrets.missing } };
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
