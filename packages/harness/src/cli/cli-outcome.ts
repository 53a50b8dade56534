import type { RequestUsage } from "@oz/contract";
import type { HarnessOutcome } from "../port.ts";
import type { CliAgent } from "./cli-agent.ts";
import type { CliResult, CliUsage } from "./stream-parser.ts";

/**
 * How a CLI's run ended, from what it reported and how its process exited: its result → SUCCEEDED, or FAILED
 * with its error (a rejected key → external_authentication_required, a provider that stayed down → ERROR
 * resource_unavailable); no result at all (a crash, a signal, the out-of-memory killer) → ERROR
 * agent_process_failed.
 */
export function cliOutcome(
  agent: CliAgent,
  secretSetting: string,
  reported: CliResult | undefined,
  exit: { exitCode: number; oomKilled: boolean },
  stderr: string,
): HarnessOutcome {
  if (exit.oomKilled) {
    return {
      state: "ERROR",
      errorCode: "agent_process_failed",
      message: `${agent.title} was killed: the sandbox ran out of memory. Raise the environment's memory limit.`,
    };
  }
  if (reported?.ok && exit.exitCode === 0) {
    return { state: "SUCCEEDED", message: reported.message.trim() || `${agent.title} finished.` };
  }
  if (reported && !reported.ok) {
    if (reported.cause === "authentication") {
      return {
        state: "FAILED",
        errorCode: "external_authentication_required",
        message: `The model provider rejected ${agent.title}'s key (check the team secret named by ${secretSetting}): ${reported.message}`,
      };
    }
    if (reported.cause === "provider_unavailable") {
      return {
        state: "ERROR",
        errorCode: "resource_unavailable",
        message: `The model provider is unavailable, even after ${agent.title}'s retries: ${reported.message}`,
      };
    }
    return { state: "FAILED", message: `${agent.title} failed: ${reported.message}` };
  }
  const why = exit.exitCode > 128 ? `was killed by signal ${exit.exitCode - 128}` : `exited with code ${exit.exitCode}`;
  return {
    state: "ERROR",
    errorCode: "agent_process_failed",
    message: `${agent.title} ${why} without reporting a result${stderr ? `: ${stderr}` : "."}`,
  };
}

/** The run's `request_usage` from the CLI's token counts and cost. */
export function requestUsage(usage: CliUsage): Partial<RequestUsage> {
  const counts = {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
  if (usage.cost_usd === undefined) return counts;
  // Credits are dollars 1:1 on a self-hosted server (as for the built-in harness).
  const cost = Math.round(usage.cost_usd * 1_000_000) / 1_000_000;
  return { ...counts, inference_cost: cost, inference_cost_usd: cost };
}
