#!/usr/bin/env node
// Entry point of the `oz` command (bundled into dist/oz.mjs by build.mjs; `pnpm oz` runs it from source).
import { runCli } from "./program.ts";
import { readAllStdin } from "./prompt.ts";
import { Runtime } from "./runtime.ts";

const runtime = new Runtime(
  { stdout: process.stdout, stderr: process.stderr },
  process.env,
  readAllStdin,
  Boolean(process.stdin.isTTY),
);
process.exitCode = await runCli(process.argv.slice(2), runtime);
