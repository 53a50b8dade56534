import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Benchmark } from "../support/benchmark.ts";
import { onCleanup } from "../support/cleanup.ts";
import { startApi } from "../support/platform.ts";
import { median } from "../support/stats.ts";

const run = promisify(execFile);
const CLI_DIR = fileURLToPath(new URL("../../../apps/cli/", import.meta.url));
const BUNDLE = join(CLI_DIR, "dist", "oz.mjs");
const TARGET_MS = 150;
/** Invocations per sample: the CPU time of a shell's waited-for children is counted in clock ticks (10 ms). */
const PER_SAMPLE = 10;
const ROUNDS = 6;

/**
 * The `oz` CLI's start-up: process time (user + system CPU) of `oz --version` and of `oz whoami` against the
 * real API, from the built bundle (apps/cli/dist/oz.mjs, what `npm install -g` installs), against `node -e 0`
 * measured in the same rounds. A sample is one shell that runs the command ten times and then reads its own
 * children's CPU time from /proc (cutime + cstime); samples of the three alternate, so load hits all alike.
 */
export const cliStartupBench: Benchmark = {
  name: "cli-startup",
  area: "cli",
  budgetMs: 180_000,
  async run(log) {
    log("building apps/cli/dist/oz.mjs");
    await run(process.execPath, [join(CLI_DIR, "build.mjs")]);
    const server = await startApi();
    const configHome = await mkdtemp(join(tmpdir(), "oz-bench-cli-"));
    onCleanup(() => rm(configHome, { recursive: true, force: true }));
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: configHome,
      XDG_CONFIG_HOME: configHome,
      OZ_API_BASE_URL: server.baseUrl,
      WARP_API_KEY: server.team.apiKey,
    };
    const subjects = {
      "node -e 0": [process.execPath, "-e", "0"],
      "oz --version": [process.execPath, BUNDLE, "--version"],
      "oz whoami": [process.execPath, BUNDLE, "whoami", "--output-format", "text"],
    };
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    const walls: Record<string, number[]> = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? Object.keys(subjects) : Object.keys(subjects).reverse();
      for (const name of order) {
        const { cpuMs, wallMs } = await sample(subjects[name as keyof typeof subjects], env);
        samples[name]!.push(cpuMs);
        walls[name]!.push(wallMs);
      }
    }
    const cpu = (name: string) => median(samples[name]!);
    const baseline = cpu("node -e 0");
    const details = Object.keys(subjects).map(
      (name) =>
        `${name}: process time ${cpu(name).toFixed(1)} ms, wall ${median(walls[name]!).toFixed(1)} ms ` +
        `(median of ${ROUNDS} samples × ${PER_SAMPLE}; ratio ${(cpu(name) / baseline).toFixed(2)})`,
    );
    details.push(`bundle: ${(readFileSync(BUNDLE).length / 1024).toFixed(0)} KiB`);
    const worst = Math.max(cpu("oz --version"), cpu("oz whoami"));
    return {
      target: `oz --version and oz whoami ≤ ${TARGET_MS} ms process time`,
      measured:
        `${cpu("oz --version").toFixed(0)} / ${cpu("oz whoami").toFixed(0)} ms ` +
        `(${(cpu("oz --version") / baseline).toFixed(2)}× / ${(cpu("oz whoami") / baseline).toFixed(2)}× node -e 0)`,
      pass: worst <= TARGET_MS,
      details,
    };
  },
};

/** Runs the command PER_SAMPLE times in one shell; the CPU time of each, from the shell's cutime + cstime. */
async function sample(command: string[], env: Record<string, string>) {
  const quoted = command.map((part) => `'${part.replaceAll("'", "'\\''")}'`).join(" ");
  const script =
    `i=0; while [ $i -lt ${PER_SAMPLE} ]; do ${quoted} >/dev/null || exit 1; i=$((i+1)); done; ` +
    `cat /proc/$$/stat; getconf CLK_TCK`;
  const started = performance.now();
  const { stdout } = await run("sh", ["-c", script], { env });
  const wallMs = (performance.now() - started) / PER_SAMPLE;
  const [stat, ticks] = stdout.trim().split("\n");
  // Fields after the command name (which is in parentheses): cutime and cstime are fields 16 and 17.
  const fields = stat!.slice(stat!.lastIndexOf(")") + 2).split(" ");
  const childTicks = Number(fields[13]) + Number(fields[14]);
  return { cpuMs: (childTicks * 1000) / Number(ticks) / PER_SAMPLE, wallMs };
}
