/** Why a run's work is being stopped. */
export type StopReason = "cancelled" | "timeout" | "lost";

/** The runs this worker process is executing, so a cancel message or a lost lease can stop them. */
export class ActiveRuns {
  private readonly runs = new Map<string, AbortController>();

  start(runId: string): AbortController {
    const controller = new AbortController();
    this.runs.set(runId, controller);
    return controller;
  }

  stop(runId: string, reason: StopReason): boolean {
    const controller = this.runs.get(runId);
    if (!controller || controller.signal.aborted) return false;
    controller.abort(reason);
    return true;
  }

  finish(runId: string): void {
    this.runs.delete(runId);
  }

  ids(): Set<string> {
    return new Set(this.runs.keys());
  }

  get size(): number {
    return this.runs.size;
  }
}
