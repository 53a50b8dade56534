import type { HarnessContext, HarnessOutcome } from "../port.ts";
import type { CliAgent } from "./cli-agent.ts";

/**
 * The CLI's API key: the value of the team secret its harness setting names (`undefined` when none is named,
 * and the CLI uses what the environment gives it). A named secret that cannot be loaded fails the run.
 */
export async function resolveAuthKey(
  agent: CliAgent,
  ctx: HarnessContext,
): Promise<{ key: string | undefined } | { outcome: HarnessOutcome }> {
  const secret = agent.authSecret(ctx.run.config);
  if (secret.name === undefined) return { key: undefined };
  try {
    if (!ctx.resolveSecret) throw new Error("this worker cannot read team secrets");
    return { key: await ctx.resolveSecret(secret.name) };
  } catch (err) {
    return {
      outcome: {
        state: "FAILED",
        errorCode: "external_authentication_required",
        message: `The ${agent.title} key (team secret "${secret.name}", named by ${secret.setting}) could not be loaded: ${(err as Error).message}`,
      },
    };
  }
}
