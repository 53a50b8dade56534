/**
 * Whether a run's *type* can be cancelled through the API, whatever its state: local
 * runs and GitHub Action runs cannot; everything else, self-hosted runs included, can. Both the cancel
 * rule (422) and `RunItem.is_run_type_cancellable` read this one function.
 */
export function isRunTypeCancellable(run: { source: string; executionLocation: string }): boolean {
  return run.source !== "GITHUB_ACTION" && run.executionLocation !== "LOCAL";
}
