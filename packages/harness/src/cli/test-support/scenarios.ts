import type { FakeLlmRequest, FakeLlmStep, FakeToolCall } from "@oz/testing";

export type CliName = "claude" | "codex" | "gemini";

export const USAGE = { input_tokens: 1_000, output_tokens: 50 };

/** How each CLI's model calls its shell tool. */
export function shellCall(cli: CliName, command: string): FakeToolCall {
  switch (cli) {
    case "claude":
      return { name: "Bash", arguments: { command, description: "Run a command" } };
    case "codex":
      return { name: "exec_command", arguments: { cmd: command } };
    case "gemini":
      return { name: "run_shell_command", arguments: { command, description: "Run a command" } };
  }
}

/** The text the CLI sent back for the previous answer's first tool call. */
export const lastResult = (request: FakeLlmRequest) => request.toolResults[0]?.content ?? "(no tool result)";

/** The model creates a script, runs its test, and finishes once the test passed. */
export function writeAndTestSteps(cli: CliName): FakeLlmStep[] {
  return [
    {
      text: "I'll add the greeting script first.",
      toolCalls: [shellCall(cli, "printf 'echo hello from oz\\n' > greet.sh")],
      usage: USAGE,
    },
    { toolCalls: [shellCall(cli, "sh greet.sh | grep -q 'hello from oz' && echo TEST PASSED")], usage: USAGE },
    (request) =>
      lastResult(request).includes("TEST PASSED")
        ? { text: "Added greet.sh; its test passes.", usage: USAGE }
        : { text: `The test did not pass: ${lastResult(request)}`, usage: USAGE },
  ];
}

/** The model runs a command that fails, reads the failure, and gives up saying why. */
export function failingCommandSteps(cli: CliName): FakeLlmStep[] {
  return [
    { toolCalls: [shellCall(cli, "cat missing-file.txt")], usage: USAGE },
    (request) => ({
      text: lastResult(request).includes("No such file")
        ? "I could not show missing-file.txt: it does not exist."
        : `Unexpected: ${lastResult(request)}`,
      usage: USAGE,
    }),
  ];
}

/** The tools a request offered the model, whatever its wire format. */
export function offeredTools(request: FakeLlmRequest): { name: string; namespace?: string }[] {
  const tools = Array.isArray(request.body.tools) ? (request.body.tools as Record<string, unknown>[]) : [];
  return tools.flatMap((tool) => {
    if (Array.isArray(tool.functionDeclarations)) {
      return (tool.functionDeclarations as { name: string }[]).map(({ name }) => ({ name }));
    }
    if (Array.isArray(tool.tools)) {
      // A namespace (Codex offers each MCP server's tools as one).
      return (tool.tools as { name: string }[]).map(({ name }) => ({ name, namespace: String(tool.name) }));
    }
    return typeof tool.name === "string" ? [{ name: tool.name }] : [];
  });
}

/**
 * The model calls the `add_note` tool of the run's `notes` MCP server, under whatever name the CLI gave it, and
 * reports what it said. Claude Code defers MCP tools (only their names are in the prompt): the model loads the
 * tool with ToolSearch first, as a real model would.
 */
export function mcpNoteSteps(): FakeLlmStep[] {
  const step: FakeLlmStep = (request) => {
    const saved = /saved note \d+: remember the milk/.exec(lastResult(request));
    if (saved) return { text: `The notes server said: ${saved[0]}`, usage: USAGE };
    const offered = offeredTools(request);
    const tool = offered.find(({ name }) => name.includes("add_note"));
    if (tool) return { toolCalls: [{ ...tool, arguments: { text: "remember the milk" } }], usage: USAGE };
    const deferred = /mcp__[A-Za-z0-9-]+?__add_note/.exec(JSON.stringify(request.body))?.[0];
    if (deferred && offered.some(({ name }) => name === "ToolSearch")) {
      return { toolCalls: [{ name: "ToolSearch", arguments: { query: `select:${deferred}` } }], usage: USAGE };
    }
    return {
      text: `No add_note tool was offered; the tools: ${offered.map(({ name }) => name).join(", ")}`,
      usage: USAGE,
    };
  };
  return [step, step, step];
}
