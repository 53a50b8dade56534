import { describe, expect, it } from "vitest";
import { replayFixture } from "../cli/test-support/fixtures.ts";
import { ClaudeStreamParser } from "./claude-stream.ts";

// Streams Claude Code 2.1.330 printed (`claude -p --output-format stream-json --verbose`), recorded against the
// fake provider by src/cli/test-support/record-streams.ts.
const replay = (name: string) => {
  const parser = new ClaudeStreamParser();
  return { parser, ...replayFixture("claude", name, parser) };
};

describe("reading Claude Code's stream-json output", () => {
  it("shows each message, Bash call and result in order, and ends with the answer, tokens and cost", () => {
    const { parser, shape, of } = replay("write-and-test");

    expect(shape).toEqual([
      "harness",
      "agent_message",
      "tool_call:Bash",
      "tool_result:Bash",
      "tool_call:Bash",
      "tool_result:Bash",
      "agent_message",
      "usage",
    ]);
    expect(of("harness")[0]!.message).toBe("Claude Code 2.1.330 started: model claude-sonnet-4-5");
    expect(of("agent_message")).toEqual([
      { text: "I'll add the greeting script first.", turn: 1 },
      { text: "Added greet.sh; its test passes.", turn: 3 },
    ]);
    expect(of("tool_call")[0]).toMatchObject({
      call_id: "toolu_1_0",
      arguments: { command: "printf 'echo hello from oz\\n' > greet.sh" },
      turn: 1,
    });
    expect(of("tool_result")[1]).toMatchObject({ call_id: "toolu_2_0", is_error: false, output: "TEST PASSED" });
    expect(of("usage")).toEqual([{ model: "claude-sonnet-4-5", turn: 3, input_tokens: 3000, output_tokens: 150 }]);
    expect(parser.result).toEqual({ ok: true, message: "Added greet.sh; its test passes." });
    expect(parser.usage).toEqual({ input_tokens: 3000, output_tokens: 150, cost_usd: 0.01125 });
  });

  it("marks a command that failed as an error result with its output", () => {
    const { parser, of } = replay("failing-command");

    expect(of("tool_result")).toEqual([
      expect.objectContaining({
        name: "Bash",
        is_error: true,
        output: "Exit code 1\ncat: missing-file.txt: No such file or directory",
      }),
    ]);
    expect(parser.result?.ok).toBe(true);
  });

  it("reports a rejected key as an authentication failure, with the retries on the way", () => {
    const { parser, of } = replay("rejected-key");

    expect(of("harness").map((note) => note.message)).toEqual([
      "Claude Code 2.1.330 started: model claude-sonnet-4-5",
      "Claude Code is retrying a failed model request (HTTP 401): attempt 1 of 2",
      "Claude Code is retrying a failed model request (HTTP 401): attempt 2 of 2",
    ]);
    expect(of("agent_message")).toEqual([]); // Claude Code's own API-error message is not the model speaking
    expect(parser.result).toMatchObject({ ok: false, cause: "authentication" });
    expect(parser.result?.message).toContain("401 fake-llm: invalid API key");
  });

  it("reports a provider that stays down as unavailable", () => {
    const { parser } = replay("provider-down");

    expect(parser.result).toMatchObject({ ok: false, cause: "provider_unavailable" });
    expect(parser.result?.message).toContain("503 fake-llm: the provider is down");
  });

  it("shows an MCP server's tool under the name Claude Code gives it, after loading it with ToolSearch", () => {
    const { shape, of } = replay("mcp-tool");

    expect(of("harness")[0]!.message).toContain("MCP servers notes (connected)");
    expect(shape.filter((s) => s.startsWith("tool_"))).toEqual([
      "tool_call:ToolSearch",
      "tool_result:ToolSearch",
      "tool_call:mcp__notes__add_note",
      "tool_result:mcp__notes__add_note",
    ]);
    expect(of("tool_result")[1]).toMatchObject({ is_error: false, output: "saved note 1: remember the milk" });
  });

  it("names an MCP server that failed to start", () => {
    const { parser } = replay("mcp-server-fails");

    expect(parser.mcpFailure).toBe('MCP server "broken" failed to start in Claude Code.');
  });
});
