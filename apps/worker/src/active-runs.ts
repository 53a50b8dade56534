/** Why a run's work is being stopped. */
export type StopReason = "cancelled" | "timeout" | "lost";

interface ActiveRun {
  controller: AbortController;
  /** Called when a follow-up for the run is announced. */
  onFollowup?: () => void;
}

/** The runs this worker process is executing, so a cancel, a follow-up or a lost lease reaches them. */
export class ActiveRuns {
  private readonly runs = new Map<string, ActiveRun>();

  start(runId: string): AbortController {
    const controller = new AbortController();
    this.runs.set(runId, { controller });
    return controller;
  }

  stop(runId: string, reason: StopReason): boolean {
    const controller = this.runs.get(runId)?.controller;
    if (!controller || controller.signal.aborted) return false;
    controller.abort(reason);
    return true;
  }

  /** Listens for follow-up announcements of a run this worker executes. */
  onFollowup(runId: string, listener: () => void): void {
    const run = this.runs.get(runId);
    if (run) run.onFollowup = listener;
  }

  /** A follow-up was announced; false when this worker does not execute the run. */
  followupArrived(runId: string): boolean {
    const listener = this.runs.get(runId)?.onFollowup;
    listener?.();
    return listener !== undefined;
  }

  /**
   * The execution that `controller` belongs to is over. A follow-up's next execution of the same run may already
   * have started here, so only that execution's own entry is removed.
   */
  finish(runId: string, controller?: AbortController): void {
    if (!controller || this.runs.get(runId)?.controller === controller) this.runs.delete(runId);
  }

  ids(): Set<string> {
    return new Set(this.runs.keys());
  }

  get size(): number {
    return this.runs.size;
  }
}
