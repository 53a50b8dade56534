import { Command, CommanderError, Option } from "commander";
import { ApiError, ConnectionError } from "./api/problem.ts";
import { registerAgentCommands } from "./commands/agent.ts";
import { registerArtifactCommands } from "./commands/artifacts.ts";
import { registerAuthCommands } from "./commands/auth.ts";
import { registerCompletionCommand } from "./commands/completion.ts";
import { registerEnvironmentCommands } from "./commands/environments.ts";
import { registerFederateCommands } from "./commands/federate.ts";
import { registerIdentityCommands } from "./commands/identities.ts";
import { registerKeyCommands } from "./commands/keys.ts";
import { registerModelCommands } from "./commands/models.ts";
import { registerRunCommands } from "./commands/runs.ts";
import { registerScheduleCommands } from "./commands/schedules.ts";
import { registerSecretCommands } from "./commands/secrets.ts";
import { CliError, EXIT } from "./errors.ts";
import { Output, OUTPUT_FORMATS } from "./output/output.ts";
import { Runtime } from "./runtime.ts";
import { CLI_VERSION } from "./version.ts";

/** The whole command tree. Global options are accepted before or after the command. */
export function buildProgram(runtime: Runtime): Command {
  const program = new Command("oz")
    .description("Oz cloud agents from your terminal and CI: start runs, stream them, manage what they use.")
    .version(CLI_VERSION, "-v, --version", "print the version")
    .addOption(new Option("--api-key <key>", "API key (wk-…)").env("WARP_API_KEY"))
    .addOption(new Option("--base-url <url>", "the server's API base URL (…/api/v1)").env("OZ_API_BASE_URL"))
    .addOption(
      new Option("--output-format <format>", "pretty tables, json, ndjson (one object per line) or text")
        .choices(OUTPUT_FORMATS)
        .default("pretty")
        .env("WARP_OUTPUT_FORMAT"),
    )
    .option("--debug", "print each request, and the full problem document of an API error")
    .configureOutput({
      writeOut: (text) => runtime.streams.stdout.write(text),
      writeErr: (text) => runtime.streams.stderr.write(text),
    })
    .showSuggestionAfterError()
    // Throw instead of exiting, so every failure ends in `report`; subcommands inherit this and the output.
    .exitOverride();

  registerAuthCommands(program, runtime);
  registerAgentCommands(program, runtime);
  registerRunCommands(program, runtime);
  registerModelCommands(program, runtime);
  registerEnvironmentCommands(program, runtime);
  registerArtifactCommands(program, runtime);
  registerIdentityCommands(program, runtime);
  registerKeyCommands(program, runtime);
  registerSecretCommands(program, runtime);
  registerFederateCommands(program, runtime);
  registerScheduleCommands(program, runtime);
  registerCompletionCommand(program, runtime);

  return program;
}

/** Runs `oz` with these arguments (without `node` and the script); returns the exit code. */
export async function runCli(argv: string[], runtime: Runtime): Promise<number> {
  const program = buildProgram(runtime);
  try {
    await program.parseAsync(helpPathToFlag(argv), { from: "user" });
    return runtime.exitCode;
  } catch (error) {
    return report(error, runtime);
  }
}

/** `oz help agent run-cloud` → `oz agent run-cloud --help` (the parser's own help command takes one name). */
function helpPathToFlag(argv: string[]): string[] {
  return argv[0] === "help" && argv.length > 2 ? [...argv.slice(1), "--help"] : argv;
}

/** One clear line on stderr for any failure (the whole problem document with `--debug`); the exit code. */
function report(error: unknown, runtime: Runtime): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failure;
  const ctx = runtime.context;
  const output = ctx?.output ?? new Output("pretty", runtime.streams, runtime.env);
  const debug = ctx?.debug ?? false;
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.failure;
  if (error instanceof CliError && error.reported) return exitCode;

  output.error(error instanceof Error ? error.message : String(error));
  const cause = error instanceof CliError ? (error.cause ?? error) : error;
  if (debug) {
    if (cause instanceof ApiError) output.note(cause.problem ? JSON.stringify(cause.problem, null, 2) : cause.body);
    else if (cause instanceof ConnectionError)
      output.note(String((cause.cause as Error | undefined)?.stack ?? cause.cause));
    else if (cause instanceof Error && !(cause instanceof CliError)) output.note(cause.stack ?? "");
  }
  return exitCode;
}
