/**
 * What a tool step shows, whichever harness made the call: the built-in harness (run_shell, edit_file, …), Claude
 * Code (Bash, Edit, Write, …), Codex (shell, apply_patch) and Gemini CLI (run_shell_command, replace, …) name the
 * same few actions differently. MCP tools (`mcp__server__tool`, Gemini's `mcp_server_tool`) name their server.
 */
export type ToolView =
  | { kind: "shell"; label: string; command: string }
  | { kind: "edit"; label: string; path: string; oldText: string; newText: string }
  | { kind: "write"; label: string; path: string; content: string }
  | { kind: "read"; label: string; path: string }
  | { kind: "patch"; label: string; files: { path: string; change: string }[] }
  | { kind: "mcp"; label: string; server: string; tool: string; args: unknown }
  | { kind: "other"; label: string; args: unknown };

const SHELL = new Set(["run_shell", "bash", "shell", "run_shell_command", "local_shell", "exec_command"]);
const EDIT = new Set(["edit_file", "edit", "replace", "str_replace", "multiedit"]);
const WRITE = new Set(["write_file", "write", "create_file"]);
const READ = new Set(["read_file", "read", "view", "list_directory", "ls", "glob", "grep", "read_many_files"]);

const rec = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) ? v.map(String).join(" ") : undefined);

/** Codex wraps commands as `/bin/bash -lc "…"`: the reader wants the part inside. */
function unwrapShell(command: string): string {
  const match = /^\/bin\/(?:ba)?sh -lc (["'])([\s\S]*)\1$/.exec(command);
  return match ? match[2]!.replace(/\\(["\\$`])/g, "$1") : command;
}

export function toolView(name: string, args: unknown): ToolView {
  const a = rec(args);
  const lower = name.toLowerCase();
  const path = text(a.path) ?? text(a.file_path) ?? text(a.absolute_path) ?? text(a.pattern) ?? text(a.dir_path);
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name) ?? /^mcp_([^_]+)_(.+)$/.exec(name);
  if (mcp) return { kind: "mcp", label: `${mcp[2]} (MCP ${mcp[1]})`, server: mcp[1]!, tool: mcp[2]!, args };
  if (SHELL.has(lower) && text(a.command) !== undefined) {
    return { kind: "shell", label: "Shell", command: unwrapShell(text(a.command)!) };
  }
  if (EDIT.has(lower) && path !== undefined) {
    const edits = Array.isArray(a.edits) ? a.edits.map(rec) : [a];
    return {
      kind: "edit",
      label: "Edit",
      path,
      oldText: edits.map((e) => text(e.old_string) ?? "").join("\n…\n"),
      newText: edits.map((e) => text(e.new_string) ?? "").join("\n…\n"),
    };
  }
  if (WRITE.has(lower) && path !== undefined) {
    return { kind: "write", label: "Write", path, content: text(a.content) ?? "" };
  }
  if (READ.has(lower))
    return { kind: "read", label: lower.includes("list") || lower === "ls" ? "List" : "Read", path: path ?? "." };
  if (lower === "apply_patch" && Array.isArray(a.changes)) {
    const files = a.changes.map(rec).map((c) => ({ path: text(c.path) ?? "?", change: text(c.kind) ?? "update" }));
    return { kind: "patch", label: "Patch", files };
  }
  return { kind: "other", label: name, args };
}

/** A one-line summary for the step's header: the command, the path, the MCP tool. */
export function toolSummary(view: ToolView): string {
  switch (view.kind) {
    case "shell":
      return view.command.split("\n")[0]!;
    case "edit":
    case "write":
    case "read":
      return view.path;
    case "patch":
      return view.files.map((f) => f.path).join(", ");
    case "mcp":
    case "other":
      return compactJson(view.args);
  }
}

function compactJson(value: unknown): string {
  if (value === undefined) return "";
  const json = typeof value === "string" ? value : JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}…` : json;
}

/** The exit code a shell tool's result reports (`[exit code N]`, the built-in harness and Codex). */
export function exitCodeOf(output: string): number | undefined {
  const match = /\[exit code (-?\d+)\]\s*$/.exec(output);
  return match ? Number(match[1]) : undefined;
}

/** A line diff of an edit, as `-`/`+` lines: enough to read what changed without a diff library. */
export function editDiff(oldText: string, newText: string): { sign: "-" | "+" | " "; text: string }[] {
  const before = oldText.split("\n");
  const after = newText.split("\n");
  // Common leading and trailing lines stay as context; the rest is removed and added.
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  return [
    ...before.slice(0, start).map((t) => ({ sign: " " as const, text: t })),
    ...before.slice(start, before.length - end).map((t) => ({ sign: "-" as const, text: t })),
    ...after.slice(start, after.length - end).map((t) => ({ sign: "+" as const, text: t })),
    ...after.slice(after.length - end).map((t) => ({ sign: " " as const, text: t })),
  ];
}
