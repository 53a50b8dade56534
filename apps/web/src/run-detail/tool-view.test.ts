import { describe, expect, it } from "vitest";
import { editDiff, exitCodeOf, toolSummary, toolView } from "./tool-view.ts";

describe("a tool step's view, whichever harness called the tool", () => {
  it.each([
    ["run_shell", { command: "npm test" }, "npm test"], // the built-in harness
    ["Bash", { command: "ls -la", description: "list" }, "ls -la"], // Claude Code
    [
      "shell",
      { command: `/bin/bash -lc "sh greet.sh | grep -q 'hi' && echo OK"` },
      "sh greet.sh | grep -q 'hi' && echo OK",
    ], // Codex
    ["run_shell_command", { command: "make" }, "make"], // Gemini CLI
  ])("shows %s's command", (name, args, command) => {
    const view = toolView(name, args);
    expect(view).toMatchObject({ kind: "shell", command });
    expect(toolSummary(view)).toBe(command.split("\n")[0]);
  });

  it.each([
    ["edit_file", { path: "a.ts", old_string: "x", new_string: "y" }],
    ["Edit", { file_path: "a.ts", old_string: "x", new_string: "y" }],
    ["replace", { file_path: "a.ts", old_string: "x", new_string: "y" }],
  ])("shows %s as an edit of its file", (name, args) => {
    expect(toolView(name, args)).toMatchObject({ kind: "edit", path: "a.ts", oldText: "x", newText: "y" });
  });

  it("names an MCP tool's server, in Claude's/ours and Gemini's spelling", () => {
    expect(toolView("mcp__notes__add_note", { text: "hi" })).toMatchObject({
      kind: "mcp",
      server: "notes",
      tool: "add_note",
    });
    expect(toolView("mcp_notes_add_note", {})).toMatchObject({ kind: "mcp", server: "notes", tool: "add_note" });
  });

  it("lists the files of a Codex patch, and shows unknown tools with their arguments", () => {
    expect(toolSummary(toolView("apply_patch", { changes: [{ path: "a.ts", kind: "add" }] }))).toBe("a.ts");
    expect(toolSummary(toolView("web_fetch", { url: "https://x.test" }))).toBe('{"url":"https://x.test"}');
  });

  it("reads the exit code a shell result ends with", () => {
    expect(exitCodeOf("ok\n[exit code 0]")).toBe(0);
    expect(exitCodeOf("boom\n[exit code 2]\n")).toBe(2);
    expect(exitCodeOf("no code here")).toBeUndefined();
  });

  it("diffs an edit line by line, keeping shared lines as context", () => {
    expect(editDiff("a\nb\nc", "a\nB\nc")).toEqual([
      { sign: " ", text: "a" },
      { sign: "-", text: "b" },
      { sign: "+", text: "B" },
      { sign: " ", text: "c" },
    ]);
  });
});
