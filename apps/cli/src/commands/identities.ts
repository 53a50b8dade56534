import { Option, type Command } from "commander";
import type { z } from "zod";
import type { AgentResponse, ListAgentIdentitiesResponse } from "@oz/contract";
import { collect } from "../options.ts";
import { actionOf, type Runtime } from "../runtime.ts";

interface IdentityOptions {
  name?: string;
  description?: string;
  prompt?: string;
  model?: string;
  harness?: string;
  environment?: string;
  skill?: string[];
  secret?: string[];
  host?: string;
}

const path = (uid: string) => `/agent/identities/${encodeURIComponent(uid)}`;

/** `oz identity list|get|create|update|delete`: cloud agents (service accounts that runs execute as). */
export function registerIdentityCommands(program: Command, runtime: Runtime) {
  const identity = program
    .command("identity")
    .description("Cloud agents: team identities that runs execute as, with their own keys and defaults");

  identity
    .command("list")
    .description("List the team's cloud agents")
    .action(
      actionOf(runtime, async (ctx) => {
        const list = await (
          await ctx.client()
        ).request<z.infer<typeof ListAgentIdentitiesResponse>>("GET", "/agent/identities");
        ctx.output.list(list.agents, {
          columns: [
            { header: "UID", value: (a) => a.uid },
            { header: "NAME", value: (a) => a.name, maxWidth: 40 },
            { header: "DEFAULT", value: (a) => (a.is_default ? "yes" : "") },
            { header: "AVAILABLE", value: (a) => (a.available ? "yes" : "no") },
            { header: "ENVIRONMENT", value: (a) => a.environment_id },
          ],
          text: (a) => `${a.uid}\t${a.name}`,
          empty: "No cloud agents.",
        });
      }),
    );

  identity
    .command("get")
    .description("Show a cloud agent")
    .argument("<uid>")
    .action(
      actionOf(runtime, async (ctx, [uid]) => {
        ctx.output.record(await (await ctx.client()).request<AgentResponse>("GET", path(uid!)), identityView);
      }),
    );

  withIdentityOptions(identity.command("create").description("Create a cloud agent"), true).action(
    actionOf<IdentityOptions>(runtime, async (ctx, _args, options) => {
      const created = await (
        await ctx.client()
      ).request<AgentResponse>("POST", "/agent/identities", {
        body: identityBody(options),
      });
      ctx.output.record(created, identityView);
    }),
  );

  withIdentityOptions(
    identity
      .command("update")
      .description("Change a cloud agent: each option given replaces that field (an empty value clears it)")
      .argument("<uid>"),
    false,
  ).action(
    actionOf<IdentityOptions>(runtime, async (ctx, [uid], options) => {
      const updated = await (
        await ctx.client()
      ).request<AgentResponse>("PUT", path(uid!), {
        body: identityBody(options),
      });
      ctx.output.record(updated, identityView);
    }),
  );

  identity
    .command("delete")
    .description("Delete a cloud agent and every API key bound to it")
    .argument("<uid>")
    .action(
      actionOf(runtime, async (ctx, [uid]) => {
        await (await ctx.client()).request("DELETE", path(uid!));
        ctx.output.done(`Deleted cloud agent ${uid}.`, uid!, { uid, deleted: true });
      }),
    );
}

function withIdentityOptions(command: Command, creating: boolean) {
  return command
    .addOption(new Option("-n, --name <name>", "name").makeOptionMandatory(creating))
    .option("--description <text>", "what it is for")
    .option("--prompt <text>", "instructions added to every run it executes")
    .option("--model <model-id>", "default model (base_model)")
    .option("--harness <type>", "default harness: oz, claude, codex, gemini, command")
    .option("-e, --environment <env-id>", "default environment")
    .option("--skill <spec>", "skill attached to its runs (repeatable)", collect)
    .option("--secret <name>", "team secret its runs get (repeatable)", collect)
    .option("--host <worker-id>", "default self-hosted worker");
}

/** Only the options given: on update, an omitted member stays as it is. */
function identityBody(options: IdentityOptions) {
  return {
    ...(options.name !== undefined && { name: options.name }),
    ...(options.description !== undefined && { description: options.description }),
    ...(options.prompt !== undefined && { prompt: options.prompt }),
    ...(options.model !== undefined && { base_model: options.model }),
    ...(options.harness !== undefined && { harness: options.harness ? { type: options.harness } : {} }),
    ...(options.environment !== undefined && { environment_id: options.environment }),
    ...(options.skill && { skills: options.skill.filter((s) => s !== "") }),
    ...(options.secret && { secrets: options.secret.filter((s) => s !== "").map((name) => ({ name })) }),
    ...(options.host !== undefined && { worker_host: options.host }),
  };
}

const identityView = {
  fields: (a: AgentResponse) =>
    [
      ["UID", a.uid],
      ["Name", a.name],
      ["Description", a.description ?? undefined],
      ["Default", a.is_default ? "yes" : "no"],
      ["Available", a.available ? "yes" : "no"],
      ["Model", a.base_model],
      ["Harness", a.harness?.type],
      ["Environment", a.environment_id],
      ["Skills", a.skills.join(", ")],
      ["Secrets", a.secrets.map((s) => s.name).join(", ")],
      ["Worker host", a.worker_host],
    ] as const,
  text: (a: AgentResponse) => a.uid,
};
