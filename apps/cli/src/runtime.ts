import type { Command } from "commander";
import { CliContext, type GlobalOptions } from "./context.ts";
import type { Streams } from "./output/output.ts";

/** What one invocation of `oz` runs with: its streams, its environment, and the exit code it ends with. */
export class Runtime {
  exitCode = 0;
  /** The context of the command that ran (its output reports errors in the chosen format). */
  context: CliContext | undefined;

  constructor(
    readonly streams: Streams,
    readonly env: NodeJS.ProcessEnv,
    /** Reads all of standard input (a piped key, secret value or prompt). */
    readonly readStdin: () => Promise<string>,
    readonly stdinIsTTY: boolean,
  ) {}

  contextFor(command: Command): CliContext {
    this.context = new CliContext(command.optsWithGlobals<GlobalOptions>(), this.streams, this.env);
    return this.context;
  }
}

/** A command's handler: its context, positional arguments and options; a number it returns is the exit code. */
export type Handler<O> = (ctx: CliContext, args: string[], options: O, runtime: Runtime) => Promise<number | void>;

/** Adapts a handler to commander's `.action(…)` calling convention. */
export function actionOf<O>(runtime: Runtime, handler: Handler<O>) {
  return async (...all: unknown[]) => {
    const command = all.at(-1) as Command;
    const options = all.at(-2) as O;
    const args = all.slice(0, -2) as string[];
    const code = await handler(runtime.contextFor(command), args, options, runtime);
    if (typeof code === "number") runtime.exitCode = code;
  };
}
