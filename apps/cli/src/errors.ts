/** Exit codes of `oz`. Run outcomes (`agent run-cloud --wait`) use 0–4; anything else that fails is 1. */
export const EXIT = {
  ok: 0,
  /** A command failed; with `--wait`: the run ended FAILED. */
  failure: 1,
  /** With `--wait`: the run ended ERROR (the platform's fault). */
  runError: 2,
  /** With `--wait`: the run was cancelled. */
  runCancelled: 3,
  /** `agent run-cloud` could not start the run (bad flags, bad config file, refused by the API). */
  couldNotStart: 4,
  /** The outcome of a started run could not be learnt (the server stayed unreachable while waiting). */
  outcomeUnknown: 5,
} as const;

/** A failure the user should read as one line; `exitCode` is what the process ends with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    /** Already printed (e.g. by the argument parser): only the exit code is left to apply. */
    readonly reported = false,
  ) {
    super(message);
  }
}
