import type { RunState } from "@oz/contract";
import { EXIT } from "../errors.ts";

/** The states after which a run does no more work (until a follow-up starts another execution). */
export const ENDED_STATES: readonly RunState[] = ["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"];

export const hasEnded = (state: string) => (ENDED_STATES as readonly string[]).includes(state);

/** `oz agent run-cloud --wait` exits with the run's outcome: 0 SUCCEEDED, 1 FAILED, 2 ERROR, 3 CANCELLED. */
export function exitCodeOf(state: RunState): number {
  switch (state) {
    case "SUCCEEDED":
      return EXIT.ok;
    case "FAILED":
      return EXIT.failure;
    case "ERROR":
      return EXIT.runError;
    case "CANCELLED":
      return EXIT.runCancelled;
    default:
      return EXIT.outcomeUnknown;
  }
}
