export { startFakeLlm, type FakeLlm, type FakeLlmOptions } from "./server.ts";
export type {
  FakeLlmFormat,
  FakeLlmReply,
  FakeLlmRequest,
  FakeLlmStep,
  FakeToolCall,
  FakeToolResult,
} from "./script.ts";
