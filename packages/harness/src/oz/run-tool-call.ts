import type { ToolCall } from "@oz/llm";
import { ToolError, type AgentTool } from "./agent-tool.ts";

export interface ToolCallResult {
  content: string;
  isError: boolean;
}

/**
 * Runs one call the model made. Whatever the model got wrong — an unknown tool, arguments that are not a JSON
 * object, arguments the tool refuses — comes back as an error result it can read and correct, never as a
 * failure of the run. Faults of the platform (the sandbox is gone) are thrown.
 */
export async function runToolCall(
  tools: ReadonlyMap<string, AgentTool>,
  call: ToolCall,
  signal: AbortSignal,
): Promise<ToolCallResult> {
  const tool = tools.get(call.name);
  if (!tool) {
    return failure(`there is no tool named "${call.name}"; the tools are: ${[...tools.keys()].join(", ")}`);
  }
  const args = parseArguments(call.arguments);
  if (typeof args === "string")
    return failure(`the arguments of ${call.name} ${args}; call it again with a JSON object`);
  try {
    return { content: await tool.run(args, signal), isError: false };
  } catch (err) {
    if (err instanceof ToolError) return failure(err.message);
    throw err;
  }
}

/** The arguments as an object, or what is wrong with them. An empty string is a call without arguments. */
export function parseArguments(text: string): Record<string, unknown> | string {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `are not valid JSON (${(err as Error).message})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "are not a JSON object";
  return value as Record<string, unknown>;
}

const failure = (content: string): ToolCallResult => ({ content, isError: true });
