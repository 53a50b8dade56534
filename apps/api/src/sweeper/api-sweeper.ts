import { endExpiredLeases, reconcileQueuedRuns, type RunSweepDeps } from "@oz/sweeper";

/** Any constant of our own: pg_try_advisory_xact_lock keys are one bigint namespace per database. */
const SWEEP_LOCK_KEY = 0x6f7a_5357n; // "ozSW"

export interface ApiSweeper {
  /** One pass now; false when another API instance holds the sweep lock. */
  sweepNow(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ApiSweeperDeps extends RunSweepDeps {
  intervalMs: number;
  onError(err: Error): void;
}

/**
 * The API's half of sweeping, so no run depends on a live worker to end: runs whose worker's lease expired
 * end (or are re-queued, packages/sweeper), and QUEUED runs without a job are enqueued. One API instance
 * at a time, under a Postgres advisory lock held by the pass's transaction (released if the process dies).
 * Sandboxes are not the API's to remove (it has no Docker): a worker sweep on their host removes those of
 * ended runs. The API waits one interval past a lease's expiry, so a live worker's sweeper goes first.
 */
export function startApiSweeper(deps: ApiSweeperDeps): ApiSweeper {
  let running: Promise<unknown> | undefined;
  const sweepNow = () =>
    deps.db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK_KEY}) AS locked`;
        if (!row?.locked) return false;
        const now = new Date();
        await endExpiredLeases(deps, now, deps.intervalMs);
        await reconcileQueuedRuns(deps, now);
        return true;
      },
      { maxWait: 5_000, timeout: 120_000 },
    );
  const timer = setInterval(() => {
    running ??= sweepNow()
      .catch((err: Error) => deps.onError(err))
      .finally(() => (running = undefined));
  }, deps.intervalMs);
  timer.unref();
  return {
    sweepNow,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
