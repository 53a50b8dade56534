import type { NewRunEvent } from "@oz/contract";
import { CappedText } from "../oz/capped-text.ts";
import type { Harness, HarnessContext, HarnessOutcome } from "../port.ts";
import { redactEvent, redactorWith } from "../redaction.ts";
import type { CliAgent } from "./cli-agent.ts";
import { recordExchange, renderEarlierConversation } from "./conversation.ts";
import { runInstructions } from "./instructions.ts";
import { resolveAuthKey } from "./auth-key.ts";
import { createLineSplitter } from "./line-splitter.ts";
import { prepareCliSandbox } from "./prepare-sandbox.ts";
import { cliOutcome, requestUsage } from "./cli-outcome.ts";
import { jsonLine } from "./stream-parser.ts";
import { PROMPT_FILE_VARIABLE, promptFile } from "../prompt-file.ts";

/** How much of the CLI's stderr a failure message quotes. */
const STDERR_TAIL = 1_500;

/**
 * A third-party harness: runs the real agent CLI inside the sandbox in its machine-readable mode,
 * with the run's prompt, model, MCP servers and the harness's auth secret (only that one, and only in the CLI's
 * process), turns each line it prints into transcript events, and maps how it ended to the run's outcome.
 */
export function createCliHarness(agent: CliAgent): Harness {
  return { run: (ctx) => runCliAgent(agent, ctx) };
}

export interface CliRunObserver {
  /** Every line the CLI printed on stdout, as printed (how the fixtures of recorded streams are made). */
  stdoutLine?(line: string): void;
  stderrLine?(line: string): void;
}

export async function runCliAgent(
  agent: CliAgent,
  ctx: HarnessContext,
  observer: CliRunObserver = {},
): Promise<HarnessOutcome> {
  const { config } = ctx.run;
  const secret = agent.authSecret(config);
  const auth = await resolveAuthKey(agent, ctx);
  if ("outcome" in auth) return auth.outcome;
  const { key } = auth;
  const redact = redactorWith(ctx.redact, key);

  const mcpServers = config.mcp_servers ?? {};
  const shared = Object.keys(mcpServers).find((name) => mcpServers[name]!.warp_id !== undefined);
  if (shared !== undefined) {
    return {
      state: "FAILED",
      errorCode: "environment_setup_failed",
      message: `MCP server "${shared}" failed to start: shared MCP servers (warp_id) are not available on a self-hosted server; configure it with command or url`,
    };
  }

  const prepared = await prepareCliSandbox(ctx, agent);
  if ("outcome" in prepared) return prepared.outcome;
  const earlier = (await ctx.conversation?.load()) ?? [];
  const invocation = agent.invocation({
    config,
    configDir: prepared.configDir,
    environment: prepared.environment,
    instructions: runInstructions(config.base_prompt, ctx.basePrompt, renderEarlierConversation(earlier)),
    mcpServers,
  });
  for (const [path, content] of Object.entries(invocation.files)) await ctx.sandbox.writeFile(path, content);
  // The prompt goes as a file on the CLI's stdin: as an argument, one over 128 KiB would not start the process.
  const prompt = promptFile(ctx.run.prompt);

  const notes: NewRunEvent[] = [];
  if (secret.name === undefined) {
    notes.push(note(`No ${secret.setting}: ${agent.title} uses whatever credentials the environment gives it.`));
  }
  notes.push(note(`running ${agent.title}: ${invocation.command}`));
  await ctx.emit(notes.map((event) => redactEvent(event, redact)));

  // Events are stored in order, one batch after another, while the CLI keeps printing.
  let stored: Promise<unknown> = Promise.resolve();
  let storeFailure: unknown;
  const store = (events: NewRunEvent[]) => {
    if (events.length === 0) return;
    const redacted = events.map((event) => redactEvent(event, redact));
    stored = stored.then(() => ctx.emit(redacted)).catch((err: unknown) => void (storeFailure ??= err));
  };

  const parser = agent.createParser(config);
  const output = ctx.output(); // after the key was resolved: the output redactor knows it
  const stderr = new CappedText(STDERR_TAIL);
  const stop = new AbortController();
  const stopWith = () => stop.abort();
  ctx.signal.addEventListener("abort", stopWith, { once: true });
  if (ctx.signal.aborted) stop.abort();
  const lines = createLineSplitter((line) => {
    observer.stdoutLine?.(line);
    const value = jsonLine(line);
    if (!value) {
      if (line.trim()) output.write("stdout", `${line}\n`);
      return;
    }
    store(parser.line(value));
    if (parser.mcpFailure !== undefined) stop.abort();
  });
  const stderrLines = createLineSplitter((line) => {
    observer.stderrLine?.(line);
    parser.stderrLine?.(line);
    if (parser.mcpFailure !== undefined) stop.abort();
  });

  let result;
  try {
    result = await ctx.sandbox.exec(invocation.command, {
      cwd: ctx.cwd,
      env: {
        ...ctx.env,
        ...invocation.env,
        [PROMPT_FILE_VARIABLE]: prompt.path,
        ...(key !== undefined && { [agent.keyVariable]: key }),
      },
      files: prompt.files,
      signal: stop.signal,
      final: true, // the sandbox is only read (artifacts) after the agent: it may run as the main process
      onOutput: ({ stream, text }) => {
        if (stream === "stdout") return lines.push(text);
        stderr.write(text);
        output.write("stderr", text);
        stderrLines.push(text);
      },
    });
  } finally {
    ctx.signal.removeEventListener("abort", stopWith);
    lines.end();
    stderrLines.end();
    store(parser.flush());
    await output.close();
  }
  store([
    {
      type: "harness",
      payload: { message: `${agent.executable} exited with code ${result.exitCode}`, exit_code: result.exitCode },
    },
  ]);
  await stored;
  if (storeFailure) throw storeFailure;

  const usage = parser.usage && requestUsage(parser.usage);
  if (ctx.signal.aborted) return { state: "ERROR", message: "The agent was stopped.", ...(usage && { usage }) };
  if (parser.mcpFailure !== undefined) {
    return { state: "FAILED", errorCode: "environment_setup_failed", message: redact(parser.mcpFailure) };
  }
  const outcome = cliOutcome(agent, secret.setting, parser.result, result, redact(stderr.toString().trim()));
  const message = redact(outcome.message);
  await recordExchange(ctx.conversation, earlier, redact(ctx.run.prompt), message);
  return { ...outcome, message, ...(usage && { usage }) };
}

const note = (message: string): NewRunEvent => ({ type: "harness", payload: { message } });
