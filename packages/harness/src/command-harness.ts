import type { Harness, HarnessContext, HarnessOutcome } from "./port.ts";
import { PROMPT_FILE_VARIABLE, PROMPT_VARIABLE_MAX_BYTES, promptFile } from "./prompt-file.ts";

/**
 * `{"type": "command", "command": "…"}`: runs a shell command in the sandbox with the prompt in the file named by
 * `$OZ_PROMPT_FILE` (and, up to 16 KiB, in `$OZ_PROMPT` too).
 * Exit 0 → SUCCEEDED; another exit code → FAILED (the task failed, not the platform); killed by a signal or
 * the out-of-memory killer → ERROR agent_process_failed.
 */
export const commandHarness: Harness = {
  async run(ctx: HarnessContext): Promise<HarnessOutcome> {
    const command = ctx.run.config.harness?.command;
    if (!command) {
      return {
        state: "FAILED",
        errorCode: "invalid_request",
        message: "harness.command is required for the command harness",
      };
    }
    const output = ctx.output();
    await ctx.emit([{ type: "harness", payload: { message: `running: ${command}` } }]);
    const prompt = promptFile(ctx.run.prompt);
    const inVariable = Buffer.byteLength(ctx.run.prompt) <= PROMPT_VARIABLE_MAX_BYTES;
    const result = await ctx.sandbox.exec(command, {
      cwd: ctx.cwd,
      env: { ...ctx.env, [PROMPT_FILE_VARIABLE]: prompt.path, ...(inVariable && { OZ_PROMPT: ctx.run.prompt }) },
      files: prompt.files,
      signal: ctx.signal,
      onOutput: ({ stream, text }) => output.write(stream, text),
      final: true, // the sandbox is only read (artifacts) after the command: it may run as the main process
    });
    await output.close();
    await ctx.emit([
      {
        type: "harness",
        payload: { message: `command exited with code ${result.exitCode}`, exit_code: result.exitCode },
      },
    ]);
    if (result.oomKilled) {
      return {
        state: "ERROR",
        errorCode: "agent_process_failed",
        message: "The command was killed: the sandbox ran out of memory. Raise the environment's memory limit.",
      };
    }
    if (result.exitCode === 0) return { state: "SUCCEEDED", message: "The command exited with code 0." };
    if (result.exitCode > 128) {
      const signal = result.exitCode - 128;
      return {
        state: "ERROR",
        errorCode: "agent_process_failed",
        message: `The command was killed by signal ${signal}${signal === 9 ? " (possibly out of memory)" : ""}.`,
      };
    }
    return { state: "FAILED", message: `The command exited with code ${result.exitCode}.` };
  },
};
