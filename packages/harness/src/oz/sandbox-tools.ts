import { posix } from "node:path";
import { SandboxError, type Sandbox } from "@oz/sandbox";
import { z } from "zod";
import { defineTool, ToolError, type AgentTool } from "./agent-tool.ts";
import { CappedText, capText } from "./capped-text.ts";
import type { ToolLoopLimits } from "./limits.ts";

/** What the model reads of a command's output or a file: enough to work with, bounded so a turn stays small. */
export const SHELL_OUTPUT_LIMIT = 16 * 1024;
export const FILE_READ_LIMIT = 64 * 1024;
const DIRECTORY_ENTRY_LIMIT = 1_000;

export interface SandboxToolsContext {
  sandbox: Sandbox;
  /** Relative paths and commands start here. */
  cwd: string;
  env: Record<string, string>;
  limits: ToolLoopLimits;
}

/** The built-in tools: shell, read, write, edit, list — every one runs in the run's sandbox. */
export function createSandboxTools(ctx: SandboxToolsContext): AgentTool[] {
  const { sandbox, cwd, env, limits } = ctx;
  const resolve = (path: string) => posix.resolve(cwd, path);

  const runShell = defineTool({
    name: "run_shell",
    description:
      `Runs a shell command (sh -c) in the sandbox, in ${cwd} unless it changes directory, and returns its combined ` +
      `stdout and stderr (at most ${SHELL_OUTPUT_LIMIT} characters: the start and the end) and exit code. ` +
      `Each call is a fresh shell: cd and exported variables do not carry over.`,
    input: z.object({
      command: z.string().min(1).describe("The command line."),
      timeout_seconds: z
        .number()
        .positive()
        .optional()
        .describe(
          `Kill the command after this long (default ${limits.defaultCommandTimeoutMs / 1000}, at most ${limits.maxToolTimeoutMs / 1000}).`,
        ),
    }),
    async run({ command, timeout_seconds }, signal) {
      const timeoutMs = Math.min(
        timeout_seconds ? timeout_seconds * 1000 : limits.defaultCommandTimeoutMs,
        limits.maxToolTimeoutMs,
      );
      const output = new CappedText(SHELL_OUTPUT_LIMIT);
      const result = await sandbox.exec(command, {
        cwd,
        env,
        timeoutMs,
        signal,
        onOutput: ({ text }) => output.write(text),
      });
      const text = output.toString();
      const shown = text.length > 0 ? (text.endsWith("\n") ? text : `${text}\n`) : "";
      if (result.timedOut) {
        throw new ToolError(
          `${shown}[the command was killed after ${timeoutMs / 1000} s; run long jobs in the background or raise timeout_seconds]`,
        );
      }
      if (result.oomKilled) throw new ToolError(`${shown}[the command was killed: the sandbox ran out of memory]`);
      return `${shown}[exit code ${result.exitCode}]`;
    },
  });

  const readFile = defineTool({
    name: "read_file",
    description: `Reads a text file (at most ${FILE_READ_LIMIT} characters per call; use start_line to read further).`,
    input: z.object({
      path: z.string().min(1).describe(`Absolute, or relative to ${cwd}.`),
      start_line: z.number().int().min(1).optional().describe("First line to return (1-based). Default 1."),
    }),
    async run({ path, start_line }) {
      const content = await readSandboxFile(sandbox, resolve(path));
      if (content.subarray(0, 8_000).includes(0)) {
        throw new ToolError(`${path} is a binary file (${content.length} bytes); inspect it with run_shell instead`);
      }
      let text = content.toString("utf8");
      if (start_line && start_line > 1) {
        const lines = text.split("\n");
        if (start_line > lines.length) throw new ToolError(`${path} has only ${lines.length} lines`);
        text = lines.slice(start_line - 1).join("\n");
      }
      if (text.length === 0) return `(${path} is empty)`;
      return capText(text, FILE_READ_LIMIT, "call read_file again with a later start_line");
    },
  });

  const writeFile = defineTool({
    name: "write_file",
    description: "Creates or overwrites a file with the given content, creating missing parent directories.",
    input: z.object({
      path: z.string().min(1).describe(`Absolute, or relative to ${cwd}.`),
      content: z.string().describe("The complete new content of the file."),
    }),
    async run({ path, content }) {
      await sandbox.writeFile(resolve(path), content);
      return `Wrote ${Buffer.byteLength(content)} bytes to ${path}.`;
    },
  });

  const editFile = defineTool({
    name: "edit_file",
    description:
      "Replaces exact text in a file. old_string must match the file exactly (whitespace included) and, " +
      "unless replace_all is set, exactly once: include enough surrounding lines to make it unique.",
    input: z.object({
      path: z.string().min(1).describe(`Absolute, or relative to ${cwd}.`),
      old_string: z.string().min(1).describe("The text to replace."),
      new_string: z.string().describe("The text to put in its place."),
      replace_all: z.boolean().optional().describe("Replace every occurrence. Default false."),
    }),
    async run({ path, old_string, new_string, replace_all }) {
      const absolute = resolve(path);
      const text = (await readSandboxFile(sandbox, absolute)).toString("utf8");
      const occurrences = text.split(old_string).length - 1;
      if (occurrences === 0)
        throw new ToolError(`old_string was not found in ${path}; read the file and copy the text exactly`);
      if (occurrences > 1 && !replace_all) {
        throw new ToolError(
          `old_string occurs ${occurrences} times in ${path}; include more context to make it unique, or set replace_all`,
        );
      }
      await sandbox.writeFile(absolute, text.split(old_string).join(new_string));
      return `Replaced ${occurrences} occurrence${occurrences === 1 ? "" : "s"} in ${path}.`;
    },
  });

  const listDirectory = defineTool({
    name: "list_directory",
    description:
      "Lists a directory: its entries (directories end in /), or with recursive every file below it " +
      `(skipping .git and node_modules; at most ${DIRECTORY_ENTRY_LIMIT} entries).`,
    input: z.object({
      path: z.string().optional().describe(`Absolute, or relative to ${cwd}. Default: ${cwd}.`),
      recursive: z.boolean().optional(),
    }),
    async run({ path, recursive }, signal) {
      const dir = resolve(path ?? ".");
      // The directory reaches the shell as a variable, never spliced into the command.
      const command = recursive
        ? `cd "$OZ_DIR" && find . \\( -name .git -o -name node_modules \\) -prune -o -type f -print | head -n ${DIRECTORY_ENTRY_LIMIT + 1}`
        : `cd "$OZ_DIR" && ls -1Ap`;
      let stdout = "";
      let stderr = "";
      const result = await sandbox.exec(command, {
        env: { ...env, OZ_DIR: dir },
        timeoutMs: 30_000,
        signal,
        onOutput: ({ stream, text }) => (stream === "stdout" ? (stdout += text) : (stderr += text)),
      });
      if (result.exitCode !== 0)
        throw new ToolError(`cannot list ${dir}: ${stderr.trim() || `exit code ${result.exitCode}`}`);
      const entries = stdout.split("\n").filter(Boolean);
      if (entries.length === 0) return `(${dir} is empty)`;
      const shown = entries.slice(0, DIRECTORY_ENTRY_LIMIT).join("\n");
      return entries.length > DIRECTORY_ENTRY_LIMIT
        ? `${shown}\n[… more than ${DIRECTORY_ENTRY_LIMIT} entries; list a subdirectory]`
        : shown;
    },
  });

  return [runShell, readFile, writeFile, editFile, listDirectory];
}

async function readSandboxFile(sandbox: Sandbox, path: string): Promise<Buffer> {
  try {
    return await sandbox.readFile(path);
  } catch (err) {
    if (err instanceof SandboxError && err.code === "file_not_found") throw new ToolError(`no such file: ${path}`);
    throw err;
  }
}
