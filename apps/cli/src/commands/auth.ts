import type { Command } from "commander";
import type { WhoAmI } from "@oz/contract";
import { ApiError } from "../api/problem.ts";
import { dashboardOrigin } from "../context.ts";
import { writeCredentials } from "../credentials.ts";
import { CliError } from "../errors.ts";
import { openUrl } from "../open-url.ts";
import { promptHidden } from "../prompt.ts";
import { actionOf, type Runtime } from "../runtime.ts";

const whoamiView = {
  fields: (me: WhoAmI) =>
    [
      ["Principal", me.principal],
      ["Name", me.display_name],
      ["Email", me.email],
      ["Team", `${me.team.name} (${me.team.uid})`],
      ["Role", me.role],
    ] as const,
  text: (me: WhoAmI) => me.principal,
};

/** `oz whoami`, `oz login`, `oz logout`. */
export function registerAuthCommands(program: Command, runtime: Runtime) {
  program
    .command("whoami")
    .description("Show the principal (user or cloud agent) the API key acts as")
    .action(
      actionOf(runtime, async (ctx) => {
        try {
          const client = await ctx.client();
          ctx.output.record(await client.request<WhoAmI>("GET", "/whoami"), whoamiView);
        } catch (error) {
          if (error instanceof ApiError && error.status !== 401) throw error;
          throw new CliError(`Could not determine the user ID: ${(error as Error).message}`);
        }
      }),
    );

  program
    .command("login")
    .description(
      "Store an API key for the server (from --api-key, WARP_API_KEY, standard input, or a prompt after " +
        "opening the dashboard's API key page)",
    )
    .option("--no-browser", "print the API key page's address instead of opening it")
    .action(
      actionOf<{ browser: boolean }>(runtime, async (ctx, _args, options) => {
        const baseUrl = await ctx.baseUrl();
        let key = ctx.options.apiKey || undefined;
        if (!key && !runtime.stdinIsTTY) key = (await runtime.readStdin()).trim() || undefined;
        if (!key) {
          const page = `${dashboardOrigin(baseUrl)}/settings?tab=api-keys`;
          if (!runtime.stdinIsTTY) {
            throw new CliError(`No API key given. Create one at ${page}, then pass it with --api-key or on stdin.`);
          }
          ctx.output.note(`Create an API key at ${page}`);
          if (options.browser) openUrl(page);
          key = await promptHidden("Paste the API key: ", ctx.streams);
          if (!key) throw new CliError("No API key entered.");
        }

        let me: WhoAmI;
        try {
          me = await (await ctx.client({ apiKey: key })).request<WhoAmI>("GET", "/whoami");
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) {
            throw new CliError(`${baseUrl} refused this API key: ${error.message}`);
          }
          throw error;
        }
        const file = await ctx.storedCredentials();
        file.servers[baseUrl] = { api_key: key, principal: me.principal, saved_at: new Date().toISOString() };
        file.default_base_url = baseUrl;
        await writeCredentials(file, ctx.credentialsPath);
        ctx.output.done(
          `Logged in to ${baseUrl} as ${me.principal}${me.display_name ? ` (${me.display_name})` : ""}.`,
          me.principal,
          { base_url: baseUrl, principal: me.principal, credentials_path: ctx.credentialsPath },
        );
      }),
    );

  program
    .command("logout")
    .description("Forget the API key stored for the server")
    .option("--all", "forget the keys of every server")
    .action(
      actionOf<{ all?: boolean }>(runtime, async (ctx, _args, options) => {
        const baseUrl = await ctx.baseUrl();
        const file = await ctx.storedCredentials();
        const forgotten = options.all ? Object.keys(file.servers) : file.servers[baseUrl] ? [baseUrl] : [];
        if (forgotten.length === 0) {
          ctx.output.done("You are not logged in.", "", { logged_out: [] });
          return;
        }
        for (const server of forgotten) delete file.servers[server];
        if (file.default_base_url && !file.servers[file.default_base_url]) delete file.default_base_url;
        await writeCredentials(file, ctx.credentialsPath);
        ctx.output.done(`Logged out of ${forgotten.join(", ")}.`, forgotten.join("\n"), { logged_out: forgotten });
      }),
    );
}
