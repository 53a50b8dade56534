export type {
  BudgetCheck,
  ConversationStore,
  FollowupSource,
  Harness,
  HarnessContext,
  HarnessOutcome,
  HarnessRun,
} from "./port.ts";
export { commandHarness } from "./command-harness.ts";
export { selectHarness } from "./select-harness.ts";
export { ozHarness } from "./oz/oz-harness.ts";
export { DEFAULT_TOOL_LOOP_LIMITS, type ToolLoopLimits } from "./oz/limits.ts";
