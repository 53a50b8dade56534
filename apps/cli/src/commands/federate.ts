import { Option, type Command } from "commander";
import type { FederatedTokenResponse } from "@oz/contract";
import { CliError } from "../errors.ts";
import { actionOf, type Runtime } from "../runtime.ts";

interface IssueTokenOptions {
  runId?: string;
  audience: string;
  duration?: string;
  subjectTemplate?: string[];
}

/**
 * `oz federate issue-token`: an OIDC identity token for the run this process runs in. It
 * authenticates with the run's own credential ($OZ_RUN_TOKEN, which only a running sandbox has), never an API key.
 */
export function registerFederateCommands(program: Command, runtime: Runtime) {
  const federate = program.command("federate").description("Federated identity tokens for the running agent");
  federate
    .command("issue-token")
    .description(
      "Issue a short-lived OIDC identity token (JWT) for the current run, to exchange with a cloud provider; " +
        "only inside a running agent's sandbox. Prints the token (json/ndjson: the whole answer).",
    )
    .addOption(new Option("--run-id <RUN_ID>", "the run the token is bound to").env("OZ_RUN_ID"))
    .requiredOption("--audience <AUD>", "the aud claim, e.g. sts.amazonaws.com")
    .option("--duration <DUR>", "lifetime, e.g. 15m, 1h, 2h30m (default 1h)")
    .option(
      "--subject-template <COMPONENT...>",
      "components of the sub claim, in order: principal, scoped_principal, email, teams, environment, " +
        "agent_name, skill_spec, run_id, host (default principal)",
    )
    .action(
      actionOf<IssueTokenOptions>(runtime, async (ctx, _args, options) => {
        const credential = ctx.env.OZ_RUN_TOKEN;
        if (!credential) {
          throw new CliError(
            "oz federate issue-token works only inside a running agent's sandbox: OZ_RUN_TOKEN is not set",
          );
        }
        if (!options.runId) throw new CliError("--run-id is required (or OZ_RUN_ID)");
        const client = await ctx.client({ apiKey: credential });
        const answer = await client.request<FederatedTokenResponse>(
          "POST",
          `/agent/runs/${encodeURIComponent(options.runId)}/federated-token`,
          {
            body: {
              audience: options.audience,
              ...(options.duration && { duration: options.duration }),
              ...(options.subjectTemplate && { subject_template: options.subjectTemplate }),
            },
          },
        );
        if (ctx.output.isStructured) return ctx.output.record(answer, { fields: () => [], text: (a) => a.token });
        ctx.output.out(answer.token);
        ctx.output.note(`Token for ${answer.subject} (aud ${answer.audience}), expires ${answer.expires_at}`);
      }),
    );
}
