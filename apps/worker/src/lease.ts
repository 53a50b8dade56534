import type { Db } from "@oz/db";
import { renewLease } from "@oz/runs";

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
      if (!(await renewLease(db, opts))) opts.onLost();
    } catch {
      // Postgres is briefly unreachable: try again next tick; the lease has slack for that.
    }
  };
  const timer = setInterval(renew, Math.max(250, Math.floor(opts.leaseMs / 3)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
