import type { Command } from "commander";
import type { ModelList } from "@oz/contract";
import { actionOf, type Runtime } from "../runtime.ts";

/** `oz model list`: the models the server's built-in harness can use. */
export function registerModelCommands(program: Command, runtime: Runtime) {
  const model = program.command("model").description("Models available to runs");
  model
    .command("list")
    .description("List the models runs can name with --model")
    .action(
      actionOf(runtime, async (ctx) => {
        const list = await (await ctx.client()).request<ModelList>("GET", "/models");
        ctx.output.list(list.models, {
          columns: [
            { header: "ID", value: (m) => m.id },
            { header: "PROVIDER", value: (m) => m.provider },
            { header: "MODEL", value: (m) => m.model },
            { header: "DEFAULT", value: (m) => (m.is_default ? "yes" : "") },
          ],
          text: (m) => m.id,
          empty: "The server has no models configured.",
        });
      }),
    );
}
