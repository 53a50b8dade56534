import { endRun, followupJobId, queueFollowupExecution, requeueRun } from "@oz/runs";
import { SandboxError } from "@oz/sandbox";
import { redactSecrets } from "@oz/secrets";
import { engineStoppedEnding } from "../engine-stopped.ts";
import { firstWaitingFollowup } from "../followup-inbox.ts";
import { recordRunEnded } from "../metrics/run-metrics.ts";
import { endingOf } from "./run-harness.ts";
import { destroySandbox, RetryLater, stopReasonOf, type Ending, type Execution } from "./execution.ts";

/**
 * Ends the run with `ending`. The sandbox goes first: a run that reads as ended never still has a container.
 * Losing to a cancel or the sweeper is fine: exactly one end state is ever written.
 */
export async function finish(exec: Execution, ending: Ending): Promise<void> {
  await destroySandbox(exec);
  await exec.sandboxMarked;
  const ended = await endRun(exec.deps, {
    runId: exec.runId,
    workerId: exec.hold.workerId,
    ending: { ...ending, message: redactSecrets(ending.message, exec.secrets), usage: ending.usage ?? {} },
  });
  if (!ended) exec.log.info({ wanted: ending.outcome }, "run already ended elsewhere (cancelled or swept)");
  else recordRunEnded(exec.deps.metrics, ended);
  exec.endedHere = ended;
}

/** The run was stopped from outside: cancelled (already CANCELLED), timed out, or taken from us. */
export async function endStopped(exec: Execution): Promise<void> {
  if (stopReasonOf(exec) !== "timeout") return;
  await finish(exec, {
    outcome: "infrastructure_timeout",
    message: `The run exceeded the maximum runtime of ${Math.round(exec.deps.settings.maxRuntimeMs / 1000)} s and was stopped.`,
  });
}

/**
 * A step threw. A sandbox that could not start before the agent did is an infrastructure failure: the run is
 * queued again (RetryLater makes BullMQ retry the job) until the last attempt, which ends it
 * `resource_unavailable`. A missing image is the environment's fault; anything else ends the run at once.
 */
export async function endAfterFailure(exec: Execution, err: unknown): Promise<void> {
  if (stopReasonOf(exec)) return endStopped(exec);
  const engineStopped = exec.reachedInProgress ? await engineStoppedEnding(exec.deps.sandboxes, exec.sandbox) : null;
  if (engineStopped) return finish(exec, endingOf(engineStopped));
  if (err instanceof SandboxError && err.code === "image_missing") {
    return finish(exec, { outcome: "environment_setup_failed", message: err.message });
  }
  if (err instanceof SandboxError && !exec.reachedInProgress) {
    if (!exec.attempt.isFinalAttempt) {
      await destroySandbox(exec);
      await exec.sandboxMarked;
      const requeued = await requeueRun(exec.deps, {
        runId: exec.runId,
        workerId: exec.hold.workerId,
        message: `Sandbox could not be started (${err.message}); retrying shortly.`,
      });
      if (requeued) throw new RetryLater(err.message);
      return;
    }
    return finish(exec, {
      outcome: "resource_unavailable",
      message: `Sandbox could not be started after several attempts: ${err.message}`,
    });
  }
  exec.log.error({ err: redactedError(err, exec.secrets) }, "run failed unexpectedly");
  return finish(exec, {
    outcome: exec.reachedInProgress ? "agent_process_failed" : "internal_error",
    message: `The run failed unexpectedly: ${(err as Error)?.message ?? String(err)}`,
  });
}

/**
 * A follow-up that arrived as the agent was ending found the run still running, so the API left it to this
 * execution; the agent never read it. Start the next execution with it, as the API does for an ended run.
 */
export async function continueWithLateFollowups(exec: Execution): Promise<void> {
  const ended = exec.endedHere;
  if (!ended) return;
  const waiting = await firstWaitingFollowup(exec.deps.db, exec.runId);
  if (!waiting) return;
  const requeued = await queueFollowupExecution(
    exec.deps,
    exec.runId,
    "A follow-up arrived as the run ended: the run is queued for a new execution.",
  );
  if (!requeued) return;
  // Without a queue here (or with Redis down) the sweeper's outbox pass enqueues it.
  await exec.deps.queues
    ?.enqueue({ id: exec.runId, workerHost: ended.workerHost, jobId: followupJobId(exec.runId, waiting.id) })
    .catch((err: unknown) => exec.log.warn({ err }, "follow-up execution not enqueued; the sweeper will"));
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
