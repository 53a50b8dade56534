import type { EgressPolicy } from "@oz/egress";
import type { AmbientAgentConfig, ErrorCode, NewRunEvent, RequestUsage } from "@oz/contract";
import type { OutputBuffer } from "@oz/events";
import type { ChatMessage, ModelCatalogue } from "@oz/llm";
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
  /** Variables for the agent process on top of the sandbox's own (the prompt is not one: prompt-file.ts). */
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
  /** The skill's instructions, placed after `config.base_prompt`. */
  basePrompt?: string;
  /** Bounds of the `oz` tool loop; defaults apply to what is unset. */
  toolLoopLimits?: Partial<ToolLoopLimits>;
  /** Follow-ups sent while the run executes; a harness that `takesLiveFollowups` drains it. */
  followups?: FollowupSource;
  /**
   * Where the worker may connect on the run's behalf (MCP url servers): private, loopback and link-local
   * addresses are refused unless allow-listed. Absent: the run has no network.
   */
  egress?: EgressPolicy;
  /** The run's conversation, kept across executions so a follow-up's new execution continues it. */
  conversation?: ConversationStore;
  /** The team's spending budget, asked before every model turn of the built-in harness. */
  budget?: BudgetCheck;
}

/** Whether the run's team may keep spending. */
export interface BudgetCheck {
  /**
   * Given what this execution has cost so far (not yet recorded on the run), the message to stop the run with
   * when the team's budget is used up; undefined while it is not.
   */
  exceeded(executionCostUsd: number): Promise<string | undefined>;
}

/** The follow-up messages of a running run that no execution has taken yet. */
export interface FollowupSource {
  /**
   * The waiting messages, oldest first; each is handed out once. Cheap when nothing was announced; `recheck`
   * reads the backlog even then (before finishing, so a message whose announcement was lost is not missed).
   */
  take(options?: { recheck?: boolean }): Promise<string[]>;
}

export interface ConversationStore {
  /** The messages of the earlier executions (empty for the first one). */
  load(): Promise<ChatMessage[]>;
  save(messages: readonly ChatMessage[]): Promise<void>;
}

export interface HarnessOutcome {
  state: "SUCCEEDED" | "FAILED" | "ERROR";
  message: string;
  errorCode?: ErrorCode;
  usage?: Partial<RequestUsage>;
}

/** Given a prepared sandbox and the run, do the work and say how it ended. */
export interface Harness {
  run(ctx: HarnessContext): Promise<HarnessOutcome>;
  /** Hands follow-ups to the agent while it runs; otherwise they wait for a new execution after this one. */
  readonly takesLiveFollowups?: boolean;
}
