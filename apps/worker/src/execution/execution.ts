import type { Environment, Run } from "@oz/db";
import type { RunQueues } from "@oz/queue";
import { markSandboxStopped, type RunEnding, type WorkerHold } from "@oz/runs";
import type { Sandbox } from "@oz/sandbox";
import type { Logger } from "pino";
import type { StopReason } from "../active-runs.ts";
import type { WorkerDeps } from "../deps.ts";
import { keepLease } from "../lease.ts";
import type { PreparationPlan } from "../prepare-sandbox.ts";
import type { ClaimedWarmSandbox, WarmPools } from "../warm-pool/warm-pools.ts";

export interface JobAttempt {
  /** This is BullMQ's last attempt: an infrastructure failure now ends the run instead of retrying it. */
  isFinalAttempt: boolean;
  /** When the job was enqueued (ms since the epoch): dispatch latency counts from here. */
  enqueuedAt?: number;
}

/** The run's team has as many runs in progress as it may: the run stays QUEUED and its job waits for a slot. */
export class TeamAtCapacity extends Error {
  override name = "TeamAtCapacity";
}

/** Thrown to make BullMQ retry the job later (the run is back in QUEUED). */
export class RetryLater extends Error {
  override name = "RetryLater";
}

export interface ExecuteRunDeps extends WorkerDeps {
  /** To queue the next execution when a follow-up arrives as this one ends (else the sweeper's outbox does). */
  queues?: Pick<RunQueues, "enqueue">;
  /** Warm sandboxes of pooled environments (absent: every run starts its own sandbox). */
  pools?: Pick<WarmPools, "claim">;
}

export type Ending = RunEnding;

/** What a step says: go on (undefined), end the run with this ending, or stop: another actor moved the run. */
export type StepResult = Ending | "gone" | undefined;

/**
 * One execution of a run on this worker, from its claim to its sandbox's removal: what the steps (one file each
 * in this folder) read and fill in, in order.
 */
export interface Execution {
  readonly deps: ExecuteRunDeps;
  readonly runId: string;
  /** The worker's hold on the run: every state change is guarded by it. */
  readonly hold: WorkerHold;
  readonly attempt: JobAttempt;
  /** Aborted by a cancel, the maximum runtime or a lost lease (the reason is a StopReason). */
  readonly controller: AbortController;
  readonly log: Logger;
  /** The run as claimed (PENDING), then as confirmed (CLAIMED). */
  run: Run;
  environment: Environment | null;
  /** The run's secret values (a model key the harness resolves joins them): never in a message or log. */
  secrets: Record<string, string>;
  /** A warm sandbox taken from the environment's pool (already set up), if there was one. */
  warm?: ClaimedWarmSandbox | null;
  sandbox?: Sandbox;
  /** Settles once the sandbox's start is recorded (run_time counts from it); every ending waits for it. */
  sandboxMarked: Promise<unknown>;
  plan?: PreparationPlan;
  /** The skills' bodies, the agent's base prompt. */
  basePrompt?: string;
  /** The harness's outcome, ended after the artifacts are collected. */
  outcome?: Ending;
  reachedInProgress: boolean;
  /** The run as this execution ended it (null when a cancel or the sweeper ended it first). */
  endedHere: Run | null;
  /** Stops the lease renewal, the runtime timer and the run's registration when the execution closes. */
  readonly close: () => void;
  destroying?: Promise<void>;
}

/**
 * Opens the execution of a run this worker just claimed: registers it (so a cancel reaches it), keeps its lease,
 * and arms the maximum runtime. Cancelling kills the sandbox at once: the exec'd processes die with it.
 */
export function openExecution(deps: ExecuteRunDeps, run: Run, attempt: JobAttempt): Execution {
  const { settings } = deps;
  const runId = run.id;
  const hold: WorkerHold = { runId, workerId: settings.workerId, leaseMs: settings.leaseMs };
  const controller = deps.active.start(runId);
  const leaseKeeper = keepLease(deps.db, {
    ...hold,
    // This execution's own controller: a follow-up's next execution of the run may already be starting here.
    onLost: () => controller.signal.aborted || controller.abort("lost" satisfies StopReason),
  });
  const maxRuntime = setTimeout(() => deps.active.stop(runId, "timeout"), settings.maxRuntimeMs);
  maxRuntime.unref();
  const exec: Execution = {
    deps,
    runId,
    hold,
    attempt,
    controller,
    log: deps.log.child({ runId }),
    run,
    environment: null,
    secrets: {},
    sandboxMarked: Promise.resolve(),
    reachedInProgress: false,
    endedHere: null,
    close: () => {
      clearTimeout(maxRuntime);
      leaseKeeper.stop();
      deps.active.finish(runId, controller);
    },
  };
  controller.signal.addEventListener("abort", () => void destroySandbox(exec), { once: true });
  return exec;
}

/** Removes the sandbox once; every caller (cancel, end, cleanup) waits for the same removal. */
export async function destroySandbox(exec: Execution): Promise<void> {
  if (!exec.sandbox) return;
  exec.destroying ??= exec.sandbox
    .destroy()
    .catch((err) => exec.log.warn({ err }, "could not remove sandbox; the sweeper will"));
  await exec.destroying;
}

/** The last step, whatever happened: the sandbox is gone, and the run says so if this execution did not end it. */
export async function closeExecution(exec: Execution): Promise<void> {
  exec.close();
  await destroySandbox(exec);
  // An ending of this execution's own already said so; a cancel, the sweeper or a failure may not have.
  if (!exec.endedHere) {
    await exec.sandboxMarked;
    await markSandboxStopped(exec.deps.db, exec.hold).catch(() => {});
  }
}

/** Why the execution was stopped from outside, once it was. */
export const stopReasonOf = (exec: Execution): StopReason | undefined =>
  exec.controller.signal.aborted ? (exec.controller.signal.reason as StopReason) : undefined;
