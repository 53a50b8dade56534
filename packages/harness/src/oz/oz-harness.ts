import { inferenceUsage, type LlmProviderError, type ModelEntry } from "@oz/llm";
import type { Harness, HarnessContext, HarnessOutcome } from "../port.ts";
import { redactorWith } from "../redaction.ts";
import { buildInstructions } from "./instructions.ts";
import { DEFAULT_TOOL_LOOP_LIMITS } from "./limits.ts";
import { connectMcpServers, McpServerStartError } from "./mcp/mcp-servers.ts";
import { createSandboxTools } from "./sandbox-tools.ts";
import { selectModel } from "./select-model.ts";
import { runToolLoop, type ToolLoopEnd } from "./tool-loop.ts";

/**
 * The built-in harness: an LLM tool loop running in the worker, its tools executed in the run's
 * sandbox, its model one of the server's catalogue (OpenAI-compatible or Anthropic).
 */
export const ozHarness: Harness = {
  // Follow-ups sent while it runs become user messages before its next model turn.
  takesLiveFollowups: true,
  async run(ctx: HarnessContext): Promise<HarnessOutcome> {
    const limits = { ...DEFAULT_TOOL_LOOP_LIMITS, ...definedMembers(ctx.toolLoopLimits ?? {}) };
    const selected = await selectModel(ctx);
    if ("outcome" in selected) return selected.outcome;
    const { entry, client, apiKey } = selected;
    const redact = redactorWith(ctx.redact, apiKey);

    let mcp;
    try {
      mcp = await connectMcpServers(ctx.run.config.mcp_servers, {
        sandbox: ctx.sandbox,
        cwd: ctx.cwd,
        env: ctx.env,
        signal: ctx.signal,
        startTimeoutMs: limits.mcpStartTimeoutMs,
        toolTimeoutMs: limits.maxToolTimeoutMs,
        ...(ctx.egress && { egress: ctx.egress }),
      });
    } catch (err) {
      if (err instanceof McpServerStartError) {
        return { state: "FAILED", errorCode: "environment_setup_failed", message: redact(err.message) };
      }
      throw err;
    }

    try {
      if (mcp.summaries.length > 0) {
        await ctx.emit(
          mcp.summaries.map((message) => ({ type: "harness" as const, payload: { message: redact(message) } })),
        );
      }
      const model = entry.model ?? entry.id;
      const history = (await ctx.conversation?.load()) ?? [];
      const resumed = history.length > 0 ? ` (continuing the conversation of ${history.length} earlier messages)` : "";
      await ctx.emit([
        {
          type: "harness",
          payload: { message: `oz agent started: model ${entry.id} (${entry.provider} ${model})${resumed}` },
        },
      ]);
      const { end, usage, turns } = await runToolLoop({
        client,
        model,
        system: buildInstructions({
          cwd: ctx.cwd,
          basePrompt: ctx.run.config.base_prompt,
          skillPrompt: ctx.basePrompt,
        }),
        prompt: history.length > 0 ? continuationPrompt(ctx.run.prompt) : firstPrompt(ctx.run.prompt),
        history,
        ...(ctx.followups && { followups: ctx.followups }),
        ...(ctx.conversation && { conversation: ctx.conversation }),
        tools: [...createSandboxTools({ sandbox: ctx.sandbox, cwd: ctx.cwd, env: ctx.env, limits }), ...mcp.tools],
        limits,
        emit: ctx.emit,
        redact,
        signal: ctx.signal,
        ...(ctx.budget && {
          beforeTurn: (sofar) => ctx.budget!.exceeded(inferenceUsage(entry, sofar).inference_cost_usd ?? 0),
        }),
      });
      return { ...outcomeOf(end, entry, turns), usage: inferenceUsage(entry, usage) };
    } finally {
      await mcp.close();
    }
  },
};

/** A skill-only run has no prompt: its instructions are the task. */
const firstPrompt = (prompt: string) => prompt.trim() || "Carry out the task your instructions describe.";

/** A follow-up's new execution: the model's earlier work lives in the conversation, not in the new sandbox. */
const continuationPrompt = (prompt: string) =>
  [
    "(A new execution of this task has started to continue our conversation. The sandbox was set up afresh from",
    "the environment: changes made earlier are gone unless they were committed and pushed.)",
    "",
    prompt.trim() || "Continue.",
  ].join("\n");

function outcomeOf(end: ToolLoopEnd, entry: ModelEntry, turns: number): HarnessOutcome {
  switch (end.kind) {
    case "finished":
      return { state: end.outcome === "succeeded" ? "SUCCEEDED" : "FAILED", message: end.summary };
    case "out_of_turns":
      return { state: "FAILED", message: `The agent stopped after ${turns} turns without finishing (the turn limit).` };
    case "aborted":
      // The worker ends a stopped run itself (CANCELLED, or ERROR on a time-out); this is never recorded.
      return { state: "ERROR", message: "The agent was stopped." };
    case "provider_failed":
      return providerFailure(end.error, entry);
    case "budget_exceeded":
      return { state: "FAILED", errorCode: "budget_exceeded", message: end.message };
  }
}

/** A provider that failed for good: down or rate-limited (after the SDK's retries), a rejected key, a refused request. */
function providerFailure(error: LlmProviderError, entry: ModelEntry): HarnessOutcome {
  const where = `model "${entry.id}" at ${new URL(entry.base_url).origin}`;
  if (error.transient) {
    return {
      state: "ERROR",
      errorCode: "resource_unavailable",
      message: `The model provider is unavailable (${where}), even after retries: ${error.message}`,
    };
  }
  if (error.status === 401 || error.status === 403) {
    return {
      state: "FAILED",
      errorCode: "external_authentication_required",
      message: `The model provider rejected the key of ${where}: ${error.message}`,
    };
  }
  return {
    state: "ERROR",
    errorCode: "agent_process_failed",
    message: `The model provider refused a request (${where}): ${error.message}`,
  };
}

function definedMembers<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
