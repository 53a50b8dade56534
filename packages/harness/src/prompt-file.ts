import { randomUUID } from "node:crypto";

/** The variable naming the file that holds the run's prompt, in every process a harness starts with it. */
export const PROMPT_FILE_VARIABLE = "OZ_PROMPT_FILE";

/**
 * Prompts up to this size are also in `$OZ_PROMPT` for the command harness (older commands read it); larger ones
 * only in the file, since one environment variable over 128 KiB makes the process fail to start.
 */
export const PROMPT_VARIABLE_MAX_BYTES = 16 * 1024;

/**
 * How a harness hands the prompt to a process in the sandbox: as a file (ExecOptions.files) whose path is in
 * `$OZ_PROMPT_FILE`. The name is unguessable, so nothing a setup command left behind can stand in its way.
 */
export function promptFile(prompt: string): { path: string; files: Record<string, string> } {
  const path = `/tmp/oz-prompt-${randomUUID()}`;
  return { path, files: { [path]: prompt } };
}
