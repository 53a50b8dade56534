import { describe, expect, it } from "vitest";
import { replayFixture } from "../cli/test-support/fixtures.ts";
import { CodexStreamParser } from "./codex-stream.ts";

// Streams Codex CLI 0.169.0 printed (`codex exec --json`), recorded against the fake provider by
// src/cli/test-support/record-streams.ts.
const replay = (name: string) => {
  const parser = new CodexStreamParser({ model: "gpt-5-codex" });
  return { parser, ...replayFixture("codex", name, parser) };
};

describe("reading Codex's exec --json output", () => {
  it("shows each message, command and its output in order, and ends with the answer and the tokens", () => {
    const { parser, shape, of } = replay("write-and-test");

    expect(shape).toEqual([
      "harness",
      "harness",
      "agent_message",
      "tool_call:shell",
      "tool_result:shell",
      "tool_call:shell",
      "tool_result:shell",
      "agent_message",
      "usage",
    ]);
    expect(of("agent_message")).toEqual([
      { text: "I'll add the greeting script first.", turn: 1 },
      { text: "Added greet.sh; its test passes.", turn: 3 },
    ]);
    expect(of("tool_call")[1]).toMatchObject({
      name: "shell",
      arguments: { command: `/bin/bash -lc "sh greet.sh | grep -q 'hello from oz' && echo TEST PASSED"` },
      turn: 2,
    });
    expect(of("tool_result")[1]).toMatchObject({ is_error: false, output: "TEST PASSED\n" });
    expect(of("usage")).toEqual([{ model: "gpt-5-codex", turn: 3, input_tokens: 3000, output_tokens: 150 }]);
    expect(parser.result).toEqual({ ok: true, message: "Added greet.sh; its test passes." });
    expect(parser.usage).toEqual({ input_tokens: 3000, output_tokens: 150 });
  });

  it("marks a command that exited non-zero as an error result, with its exit code", () => {
    const { of } = replay("failing-command");

    expect(of("tool_result")).toEqual([
      expect.objectContaining({
        is_error: true,
        output: "cat: missing-file.txt: No such file or directory\n\n[exit code 1]",
      }),
    ]);
  });

  it("reports a rejected key as an authentication failure, with the retries on the way", () => {
    const { parser, of } = replay("rejected-key");

    expect(of("harness").filter((note) => note.message.includes("Reconnecting"))).toHaveLength(5);
    expect(parser.result).toMatchObject({ ok: false, cause: "authentication" });
    expect(parser.result?.message).toContain("401 Unauthorized: fake-llm: invalid API key");
  });

  it("reports a provider that stays down as unavailable", () => {
    const { parser } = replay("provider-down");

    expect(parser.result).toMatchObject({ ok: false, cause: "provider_unavailable" });
  });

  it("names an MCP tool call mcp__<server>__<tool>, as the built-in harness does", () => {
    const { shape, of } = replay("mcp-tool");

    expect(shape.filter((s) => s.startsWith("tool_"))).toEqual([
      "tool_call:mcp__notes__add_note",
      "tool_result:mcp__notes__add_note",
    ]);
    expect(of("tool_call")[0]!.arguments).toEqual({ text: "remember the milk" });
    expect(of("tool_result")[0]).toMatchObject({ is_error: false, output: "saved note 1: remember the milk" });
  });

  it("names a required MCP server that failed to start, which Codex says only on stderr", () => {
    const { parser, events } = replay("mcp-server-fails");

    expect(events).toEqual([]);
    expect(parser.mcpFailure).toMatch(/^MCP server "broken" failed to start: handshaking with MCP server failed/);
  });
});
