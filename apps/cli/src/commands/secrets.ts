import type { z } from "zod";
import type { Command } from "commander";
import type { ListSecretsResponse, SecretItem } from "@oz/contract";
import { CliError } from "../errors.ts";
import { promptHidden } from "../prompt.ts";
import { shortTime } from "../runs/run-view.ts";
import { actionOf, type Runtime } from "../runtime.ts";

/** `oz secret create|list|delete`. A value is read from standard input or a prompt, never from a flag. */
export function registerSecretCommands(program: Command, runtime: Runtime) {
  const secret = program.command("secret").description("Team secrets: injected into runs as environment variables");

  secret
    .command("create")
    .description("Create a secret; its value comes from standard input, or a prompt on a terminal")
    .argument("<name>", "environment variable name, e.g. GITHUB_TOKEN")
    .option("--description <text>", "what it is for")
    .option("--replace", "replace the value of an existing secret instead of failing")
    .action(
      actionOf<{ description?: string; replace?: boolean }>(runtime, async (ctx, [name], options, rt) => {
        const value = rt.stdinIsTTY
          ? await promptHidden(`Value of ${name}: `, ctx.streams)
          : (await rt.readStdin()).replace(/\r?\n$/, "");
        if (!value)
          throw new CliError(
            `No value for ${name}: pipe it on standard input, e.g. printf %s "$VALUE" | oz secret create ${name}`,
          );
        const client = await ctx.client();
        const body = { value, ...(options.description !== undefined && { description: options.description }) };
        const saved = options.replace
          ? await client.request<SecretItem>("PUT", `/secrets/${encodeURIComponent(name!)}`, { body })
          : await client.request<SecretItem>("POST", "/secrets", { body: { name, ...body } });
        ctx.output.done(`Saved secret ${saved.name}.`, saved.name, saved);
      }),
    );

  secret
    .command("list")
    .description("List the team's secrets (names only; values are never shown)")
    .action(
      actionOf(runtime, async (ctx) => {
        const list = await (await ctx.client()).request<z.infer<typeof ListSecretsResponse>>("GET", "/secrets");
        ctx.output.list(list.secrets, {
          columns: [
            { header: "NAME", value: (s) => s.name },
            { header: "DESCRIPTION", value: (s) => s.description, maxWidth: 60 },
            { header: "UPDATED", value: (s) => shortTime(s.updated_at) },
          ],
          text: (s) => s.name,
          empty: "No secrets.",
        });
      }),
    );

  secret
    .command("delete")
    .description("Delete a secret")
    .argument("<name>")
    .action(
      actionOf(runtime, async (ctx, [name]) => {
        await (await ctx.client()).request("DELETE", `/secrets/${encodeURIComponent(name!)}`);
        ctx.output.done(`Deleted secret ${name}.`, name!, { name, deleted: true });
      }),
    );
}
