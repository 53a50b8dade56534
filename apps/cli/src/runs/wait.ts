import type { RunItem } from "@oz/contract";
import { sleep, type ApiClient } from "../api/client.ts";
import { ApiError, ConnectionError } from "../api/problem.ts";
import { CliError, EXIT } from "../errors.ts";
import type { Progress } from "../output/progress.ts";
import { hasEnded } from "./outcome.ts";

/** Consecutive failed polls (about two minutes) after which the outcome counts as unknown. */
const MAX_FAILED_POLLS = 40;

export function getRun(client: ApiClient, runId: string) {
  return client.request<RunItem>("GET", `/agent/runs/${encodeURIComponent(runId)}`);
}

/**
 * Polls the run until it has ended, showing its state and elapsed time on the progress line. Survives the
 * server being briefly unreachable; gives up (exit 5) only after it stays unreachable.
 */
export async function waitForRunEnd(client: ApiClient, runId: string, progress?: Progress): Promise<RunItem> {
  const started = Date.now();
  let failures = 0;
  for (let poll = 0; ; poll++) {
    try {
      const run = await getRun(client, runId);
      failures = 0;
      if (hasEnded(run.state)) return run;
      progress?.update(`Run ${runId} ${run.state} · ${Math.round((Date.now() - started) / 1000)} s`, run.state);
    } catch (error) {
      const transient = error instanceof ConnectionError || (error instanceof ApiError && error.status >= 500);
      if (!transient) throw error;
      if (++failures >= MAX_FAILED_POLLS) {
        throw new CliError(`Lost track of run ${runId}: ${(error as Error).message}`, EXIT.outcomeUnknown);
      }
      progress?.update(`Run ${runId}: server unreachable, retrying…`, "unreachable");
    }
    // Quick at first (short runs end fast), then every 2 s.
    await sleep(poll < 10 ? 500 : 2_000);
  }
}
