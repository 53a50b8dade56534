import type { HarnessContext, HarnessOutcome } from "../port.ts";
import type { CliAgent } from "./cli-agent.ts";

/**
 * Checks that the image has the CLI, makes it a configuration directory of its own (under $HOME, or /tmp when
 * the home is not writable) and reads the variables its invocation depends on, as the CLI would see them.
 */
const PREPARE = `command -v "$OZ_CLI" >/dev/null 2>&1 || exit 127
d="\${HOME:-/nonexistent}/.oz/$OZ_CLI"
if ! mkdir -p "$d" 2>/dev/null || [ ! -w "$d" ]; then d="/tmp/oz-$OZ_CLI-$(id -u)"; mkdir -p "$d" || exit 1; fi
printf '%s\\n' "$d"
for v in $OZ_VARS; do printf '%s=' "$v"; printenv "$v" || echo; done`;

export type PreparedSandbox = { configDir: string; environment: Record<string, string> } | { outcome: HarnessOutcome };

export async function prepareCliSandbox(ctx: HarnessContext, agent: CliAgent): Promise<PreparedSandbox> {
  let stdout = "";
  let stderr = "";
  const { exitCode } = await ctx.sandbox.exec(PREPARE, {
    cwd: ctx.cwd,
    env: { ...ctx.env, OZ_CLI: agent.executable, OZ_VARS: agent.environmentVariables.join(" ") },
    signal: ctx.signal,
    onOutput: ({ stream, text }) => (stream === "stdout" ? (stdout += text) : (stderr += text)),
  });
  if (exitCode === 127) {
    return {
      outcome: {
        state: "FAILED",
        errorCode: "environment_setup_failed",
        message: `The sandbox image has no \`${agent.executable}\` command: install ${agent.npmPackage} in the environment's image (npm install -g ${agent.npmPackage}).`,
      },
    };
  }
  const [configDir, ...assignments] = stdout.split("\n");
  if (exitCode !== 0 || !configDir) {
    return {
      outcome: {
        state: "FAILED",
        errorCode: "environment_setup_failed",
        message: `Could not prepare the sandbox for ${agent.title} (exit code ${exitCode}): ${stderr.trim()}`,
      },
    };
  }
  const environment: Record<string, string> = {};
  for (const assignment of assignments) {
    const equals = assignment.indexOf("=");
    const value = assignment.slice(equals + 1);
    if (equals > 0 && value) environment[assignment.slice(0, equals)] = value;
  }
  return { configDir, environment };
}
