import type { AmbientAgentConfig, ErrorCode, NewRunEvent, RequestUsage } from "@oz/contract";
import type { OutputBuffer } from "@oz/events";
import type { ModelCatalogue } from "@oz/llm";
import type { Sandbox } from "@oz/sandbox";
import type { ToolLoopLimits } from "./oz/limits.ts";

export interface HarnessRun {
  id: string;
  prompt: string;
  /** The configuration resolved at creation (`RunItem.agent_config`). */
  config: AmbientAgentConfig;
}

export interface HarnessContext {
  run: HarnessRun;
  sandbox: Sandbox;
  /** Where the harness works: the first repo's checkout, or the workspace. */
  cwd: string;
  /** Variables for the agent process on top of the sandbox's own (OZ_PROMPT, …). */
  env: Record<string, string>;
  /** Appends events to the transcript. */
  emit(events: NewRunEvent[]): Promise<unknown>;
  /** A redacting, batching sink for a process's output. */
  output(): OutputBuffer;
  /** Aborted when the run is cancelled or hits its time limit. */
  signal: AbortSignal;
  /** Every secret value in `text` replaced: what a harness emits itself goes through it. */
  redact?(text: string): string;
  /** The models the built-in `oz` harness may use (`config.model_id` or the default). */
  models?: ModelCatalogue;
  /** The value of one of the run team's secrets (a model's `api_key_secret`); throws when it is missing. */
  resolveSecret?(name: string): Promise<string>;
  /** The skill's instructions, placed after `config.base_prompt` (issue 4 skills). */
  basePrompt?: string;
  /** Bounds of the `oz` tool loop; defaults apply to what is unset. */
  toolLoopLimits?: Partial<ToolLoopLimits>;
}

export interface HarnessOutcome {
  state: "SUCCEEDED" | "FAILED" | "ERROR";
  message: string;
  errorCode?: ErrorCode;
  usage?: Partial<RequestUsage>;
}

/** Given a prepared sandbox and the run, do the work and say how it ended (DESIGN §5). */
export interface Harness {
  run(ctx: HarnessContext): Promise<HarnessOutcome>;
}
