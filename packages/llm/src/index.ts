export type {
  ChatMessage,
  Completion,
  CompletionRequest,
  LlmClient,
  StopReason,
  TokenUsage,
  ToolCall,
  ToolResult,
  ToolSpec,
} from "./conversation.ts";
export { ModelEntry, ModelCatalogue, loadModelCatalogue, assertKnownModel } from "./catalogue.ts";
export { createLlmClient, type LlmClientTuning } from "./create-client.ts";
export { LlmProviderError, LlmAbortedError } from "./errors.ts";
export { inferenceUsage } from "./inference-cost.ts";
