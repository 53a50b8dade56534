import { Option, type Command } from "commander";
import type { z } from "zod";
import type { ApiKeyItem, ListApiKeysResponse } from "@oz/contract";
import { shortTime } from "../runs/run-view.ts";
import { actionOf, type Runtime } from "../runtime.ts";

/** `oz key create|list|revoke`: personal API keys and cloud agents' keys. */
export function registerKeyCommands(program: Command, runtime: Runtime) {
  const key = program.command("key").description("API keys: personal ones, and cloud agents' (for CI)");

  key
    .command("create")
    .description("Create an API key; it is shown once")
    .requiredOption("-n, --name <name>", "what the key is for")
    .addOption(new Option("--expires <in>", "lifetime").choices(["1d", "30d", "90d", "never"]).default("90d"))
    .option("--agent <uid>", "a key that acts as this cloud agent (team admins)")
    .action(
      actionOf<{ name: string; expires: string; agent?: string }>(runtime, async (ctx, _args, options) => {
        const created = await (
          await ctx.client()
        ).request<ApiKeyItem & { key: string }>("POST", "/api-keys", {
          body: { name: options.name, expires_in: options.expires, ...(options.agent && { agent_uid: options.agent }) },
        });
        if (ctx.output.format === "pretty") {
          ctx.output.out(`Created key ${created.uid} (${created.name}). Copy it now; it is not shown again:`);
          ctx.output.out(created.key);
        } else ctx.output.done("", created.key, created);
      }),
    );

  key
    .command("list")
    .description("List your keys and your team's cloud agents' keys")
    .option("--agent <uid>", "only this cloud agent's keys")
    .action(
      actionOf<{ agent?: string }>(runtime, async (ctx, _args, options) => {
        const list = await (
          await ctx.client()
        ).request<z.infer<typeof ListApiKeysResponse>>("GET", "/api-keys", {
          query: { agent_uid: options.agent },
        });
        ctx.output.list(list.api_keys, {
          columns: [
            { header: "UID", value: (k) => k.uid },
            { header: "NAME", value: (k) => k.name, maxWidth: 32 },
            { header: "KEY", value: (k) => k.masked_key },
            { header: "SCOPE", value: (k) => (k.agent_uid ? `agent ${k.agent_uid}` : k.scope) },
            { header: "EXPIRES", value: (k) => (k.expires_at ? shortTime(k.expires_at) : "never") },
            { header: "LAST USED", value: (k) => (k.last_used_at ? shortTime(k.last_used_at) : "") },
          ],
          text: (k) => `${k.uid}\t${k.name}\t${k.masked_key}`,
          empty: "No API keys.",
        });
      }),
    );

  key
    .command("revoke")
    .description("Revoke an API key: it stops working at once")
    .argument("<uid>")
    .action(
      actionOf(runtime, async (ctx, [uid]) => {
        await (await ctx.client()).request("DELETE", `/api-keys/${encodeURIComponent(uid!)}`);
        ctx.output.done(`Revoked key ${uid}.`, uid!, { uid, revoked: true });
      }),
    );
}
