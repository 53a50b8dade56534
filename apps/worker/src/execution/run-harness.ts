import type { AmbientAgentConfig, HarnessType } from "@oz/contract";
import { EgressPolicy } from "@oz/egress";
import { selectHarness, type HarnessOutcome } from "@oz/harness";
import { budgetExceededMessage, startExecution } from "@oz/runs";
import { loadSecretsForRun, redactSecrets } from "@oz/secrets";
import { engineStoppedEnding } from "../engine-stopped.ts";
import { executionPrompt, FollowupInbox } from "../followup-inbox.ts";
import { recordDispatch } from "../metrics/run-metrics.ts";
import { runConversation } from "../run-conversation.ts";
import type { Ending, Execution, StepResult } from "./execution.ts";
import { emitterOf, outputOf } from "./prepare.ts";

/**
 * CLAIMED → INPROGRESS, then the harness runs the agent in the sandbox. Follow-ups sent before now join the
 * prompt; later ones reach a live agent through the inbox. The outcome is kept for `finish`.
 */
export async function runHarness(exec: Execution): Promise<StepResult> {
  const { deps, runId, run } = exec;
  const { db, settings } = deps;
  const config = run.agentConfig as AmbientAgentConfig;
  const harnessType: HarnessType = config.harness?.type ?? "oz";
  const harness = selectHarness(harnessType);

  await exec.sandboxMarked;
  const started = await startExecution(deps, exec.hold);
  if (!started) return "gone";
  recordDispatch(deps.metrics, "running", started, exec.attempt.enqueuedAt);
  exec.reachedInProgress = true;
  const inbox = new FollowupInbox(db, runId);
  deps.active.onFollowup(runId, () => {
    inbox.announce();
    if (!harness.takesLiveFollowups) void noteFollowupForNextExecution(exec);
  });
  const prompt = executionPrompt(run.prompt, run.startedAt !== null, await inbox.take({ recheck: true }));
  const outcome = await harness.run({
    run: { id: runId, prompt, config },
    sandbox: exec.sandbox!,
    cwd: exec.plan!.cwd,
    env: {},
    emit: emitterOf(exec),
    output: () => outputOf(exec)(),
    signal: exec.controller.signal,
    models: deps.models,
    resolveSecret: async (name) => {
      const value = (await loadSecretsForRun(db, deps.secretBox, run.teamId, [name]))[name]!;
      exec.secrets[name] = value; // a model key used by the harness is redacted like every other secret
      return value;
    },
    redact: (text) => redactSecrets(text, exec.secrets),
    toolLoopLimits: settings.toolLoopLimits,
    ...(exec.basePrompt && { basePrompt: exec.basePrompt }),
    followups: inbox,
    conversation: runConversation(db, runId),
    budget: { exceeded: (cost) => budgetExceededMessage(db, run.teamId, cost) },
    ...(exec.environment?.network !== "none" && { egress: new EgressPolicy(settings.allowedCidrs ?? []) }),
  });
  exec.outcome = endingOf(outcome);
  if (exec.controller.signal.aborted || outcome.state === "SUCCEEDED") return undefined;
  // A run whose Docker engine went away ends saying so, not with what the dying sandbox looked like.
  const engineStopped = await engineStoppedEnding(deps.sandboxes, exec.sandbox);
  return engineStopped ? endingOf(engineStopped) : undefined;
}

/** A harness's outcome as a run ending: an error code's end state comes from the catalogue. */
export function endingOf(outcome: HarnessOutcome): Ending {
  const usage = { ...outcome.usage };
  if (outcome.errorCode) return { outcome: outcome.errorCode, message: outcome.message, usage };
  if (outcome.state === "SUCCEEDED") return { outcome: "succeeded", message: outcome.message, usage };
  if (outcome.state === "FAILED") return { outcome: "task_failed", message: outcome.message, usage };
  return { outcome: "agent_process_failed", message: outcome.message, usage };
}

/** A harness that cannot take input while running gets its follow-ups in the next execution: say so. */
async function noteFollowupForNextExecution(exec: Execution) {
  await exec.deps.events
    .append(exec.runId, [
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
