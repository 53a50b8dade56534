import type { Db } from "@oz/db";

const HELD_STATES = ["PENDING", "CLAIMED", "INPROGRESS", "BLOCKED"] as const;

/**
 * Keeps a claimed run's lease alive while this worker works on it. When the renewal finds the run no longer
 * held (cancelled through the API, or swept after a stall), it calls `onLost` so the work stops.
 */
export function keepLease(
  db: Db,
  opts: { runId: string; workerId: string; leaseMs: number; onLost: () => void },
): { stop(): void } {
  const renew = async () => {
    try {
      const { count } = await db.run.updateMany({
        where: { id: opts.runId, workerId: opts.workerId, state: { in: [...HELD_STATES] } },
        data: { leaseExpiresAt: new Date(Date.now() + opts.leaseMs) },
      });
      if (count === 0) opts.onLost();
    } catch {
      // Postgres is briefly unreachable: try again next tick; the lease has slack for that.
    }
  };
  const timer = setInterval(renew, Math.max(250, Math.floor(opts.leaseMs / 3)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
