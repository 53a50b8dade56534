import type { RunState } from "@oz/contract";
import { Prisma, type Db, type Run } from "@oz/db";

/**
 * Every allowed edge of the run lifecycle (contract §3.2.5), as "to ← from". A transition is one guarded
 * UPDATE (`WHERE state = ANY(from)`), so when two actors race (a cancel and a worker finishing), exactly
 * one wins and the other sees `null`.
 */
export const ALLOWED_FROM: Record<RunState, readonly RunState[]> = {
  // Retrying an infrastructure failure before the agent started, or a follow-up on an ended run.
  QUEUED: ["PENDING", "CLAIMED", "SUCCEEDED", "FAILED", "ERROR", "CANCELLED"],
  PENDING: ["QUEUED"],
  CLAIMED: ["PENDING"],
  INPROGRESS: ["CLAIMED", "BLOCKED"],
  BLOCKED: ["INPROGRESS"],
  SUCCEEDED: ["INPROGRESS"],
  FAILED: ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS"],
  ERROR: ["QUEUED", "PENDING", "CLAIMED", "INPROGRESS", "BLOCKED"],
  CANCELLED: ["QUEUED", "CLAIMED", "INPROGRESS"],
};

export const canTransition = (from: RunState, to: RunState): boolean => ALLOWED_FROM[to].includes(from);

/** Columns a transition may set along with the state. */
export type RunPatch = Partial<
  Pick<
    Prisma.RunUncheckedUpdateManyInput,
    | "statusMessage"
    | "requestUsage"
    | "isSandboxRunning"
    | "runTimeMs"
    | "enqueuedAt"
    | "workerId"
    | "leaseExpiresAt"
    | "attempts"
    | "startedAt"
    | "executionStartedAt"
    | "endedAt"
    | "sessionId"
  >
>;

export interface TransitionRequest {
  runId: string;
  to: RunState;
  /** Narrow the allowed predecessors further (e.g. only a run this worker holds). Defaults to every allowed one. */
  from?: readonly RunState[];
  /** Extra guard: only if the run is held by this worker. */
  workerId?: string;
  patch?: RunPatch;
}

/**
 * Moves a run to `to` if, and only if, it is in an allowed predecessor state right now. Returns the
 * updated run, or `null` when another actor got there first (or the run does not exist).
 */
export async function transitionRun(db: Db, req: TransitionRequest): Promise<Run | null> {
  const from = (req.from ?? ALLOWED_FROM[req.to]).filter((s) => canTransition(s, req.to));
  if (from.length === 0) return null;
  const where: Prisma.RunWhereInput = { id: req.runId, state: { in: [...from] } };
  if (req.workerId) where.workerId = req.workerId;
  const [run] = await db.run.updateManyAndReturn({
    where,
    data: { ...req.patch, state: req.to, updatedAt: new Date() },
  });
  return run ?? null;
}
