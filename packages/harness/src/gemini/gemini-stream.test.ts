import { describe, expect, it } from "vitest";
import { replayFixture } from "../cli/test-support/fixtures.ts";
import { GeminiStreamParser } from "./gemini-stream.ts";

// Streams Gemini CLI 0.61.0 printed (`gemini --output-format stream-json`), recorded against the fake provider
// by src/cli/test-support/record-streams.ts.
const replay = (name: string, mcpServers: string[] = []) => {
  const parser = new GeminiStreamParser({ mcpServers });
  return { parser, ...replayFixture("gemini", name, parser) };
};

describe("reading Gemini CLI's stream-json output", () => {
  it("joins the pieces of each answer, shows each shell call and result, and ends with the tokens", () => {
    const { parser, shape, of } = replay("write-and-test");

    expect(shape).toEqual([
      "harness",
      "agent_message",
      "tool_call:run_shell_command",
      "tool_result:run_shell_command",
      "tool_call:run_shell_command",
      "tool_result:run_shell_command",
      "agent_message",
      "usage",
    ]);
    expect(of("agent_message")).toEqual([
      { text: "I'll add the greeting script first.", turn: 1 },
      { text: "Added greet.sh; its test passes.", turn: 3 },
    ]);
    expect(of("tool_call")[0]).toMatchObject({
      arguments: { command: "printf 'echo hello from oz\\n' > greet.sh", description: "Run a command" },
      turn: 1,
    });
    expect(of("tool_result")[1]).toMatchObject({ is_error: false, output: "TEST PASSED" });
    expect(of("usage")).toEqual([{ model: "gemini-2.5-flash", turn: 3, input_tokens: 3000, output_tokens: 150 }]);
    expect(parser.result).toEqual({ ok: true, message: "Added greet.sh; its test passes." });
    expect(parser.usage).toEqual({ input_tokens: 3000, output_tokens: 150 });
  });

  it("shows what a failing command printed (Gemini CLI does not flag it as an error)", () => {
    const { of } = replay("failing-command");

    expect(of("tool_result")[0]).toMatchObject({
      is_error: false,
      output: "cat: missing-file.txt: No such file or directory",
    });
  });

  it("reports a rejected key as an authentication failure", () => {
    const { parser } = replay("rejected-key");

    expect(parser.result).toMatchObject({ ok: false, cause: "authentication" });
    expect(parser.result?.message).toContain('"code":401');
  });

  it("reports a provider that stays down as a failure with the API error (Gemini CLI drops the status)", () => {
    const { parser } = replay("provider-down");

    expect(parser.result).toEqual({ ok: false, message: "[API Error: fake-llm: the provider is down]" });
  });

  it("shows an MCP server's tool under the name Gemini CLI gives it", () => {
    const { of } = replay("mcp-tool");

    expect(of("tool_call")[0]).toMatchObject({ name: "mcp_notes_add_note", arguments: { text: "remember the milk" } });
    expect(of("tool_result")[0]).toMatchObject({ is_error: false, output: "saved note 1: remember the milk" });
  });

  it("names the MCP server that failed to start from the run's configuration", () => {
    expect(replay("mcp-server-fails", ["broken"]).parser.mcpFailure).toBe(
      'MCP server "broken" failed to start in Gemini CLI.',
    );
    expect(replay("mcp-server-fails", ["a", "b"]).parser.mcpFailure).toBe(
      "One of the MCP servers (a, b) failed to start in Gemini CLI.",
    );
  });
});
