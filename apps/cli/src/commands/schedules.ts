import { Option, type Command } from "commander";
import type {
  CreateScheduledAgentRequest,
  QueryMode,
  ScheduledAgentItem,
  ScheduleListResponse,
  UpdateScheduledAgentRequest,
} from "@oz/contract";
import { CliError } from "../errors.ts";
import { collect } from "../options.ts";
import { actionOf, type Runtime } from "../runtime.ts";

interface ScheduleOptions {
  name?: string;
  cron?: string;
  prompt?: string;
  environment?: string;
  model?: string;
  skill?: string;
  agent?: string;
  metadata?: string[];
  mode?: QueryMode;
  personal?: boolean;
  paused?: boolean;
}

const path = (id: string) => `/agent/schedules/${encodeURIComponent(id)}`;

/** `oz schedule list|get|create|update|pause|resume|delete`: scheduled agents (a run at every cron tick, UTC). */
export function registerScheduleCommands(program: Command, runtime: Runtime) {
  const schedule = program
    .command("schedule")
    .description("Scheduled agents: a cloud run at every tick of a 5-field cron expression (UTC)");

  schedule
    .command("list")
    .description("List the schedules you can see, by name")
    .action(
      actionOf(runtime, async (ctx) => {
        const list = await (await ctx.client()).request<ScheduleListResponse>("GET", "/agent/schedules");
        ctx.output.list(list.schedules, {
          columns: [
            { header: "ID", value: (s) => s.id },
            { header: "NAME", value: (s) => s.name, maxWidth: 40 },
            { header: "CRON (UTC)", value: (s) => s.cron_schedule },
            { header: "ENABLED", value: (s) => (s.enabled ? "yes" : "paused") },
            { header: "NEXT RUN", value: (s) => s.history?.next_run ?? "" },
            { header: "LAST ERROR", value: (s) => s.last_spawn_error ?? "", maxWidth: 40 },
          ],
          text: (s) => `${s.id}\t${s.name}\t${s.cron_schedule}`,
          empty: "No schedules.",
        });
      }),
    );

  schedule
    .command("get")
    .description("Show a schedule, its next fire time and its last spawn error")
    .argument("<schedule-id>")
    .action(
      actionOf(runtime, async (ctx, [id]) => {
        ctx.output.record(await (await ctx.client()).request<ScheduledAgentItem>("GET", path(id!)), scheduleView);
      }),
    );

  withScheduleOptions(schedule.command("create").description("Create a schedule"), true)
    .option("--personal", "only you can see it (default: your team's)")
    .option("--paused", "create it paused")
    .action(
      actionOf<ScheduleOptions>(runtime, async (ctx, _args, options) => {
        const body: CreateScheduledAgentRequest = {
          ...scheduleBody(options, undefined),
          ...(options.personal && { team: false }),
          ...(options.paused && { enabled: false }),
        };
        const created = await (await ctx.client()).request<ScheduledAgentItem>("POST", "/agent/schedules", { body });
        ctx.output.record(created, scheduleView);
      }),
    );

  withScheduleOptions(
    schedule
      .command("update")
      .description("Change a schedule: each option given replaces that field, the rest stays")
      .argument("<schedule-id>"),
    false,
  ).action(
    actionOf<ScheduleOptions>(runtime, async (ctx, [id], options) => {
      const client = await ctx.client();
      // The API's PUT replaces the whole schedule: start from what it is now.
      const current = await client.request<ScheduledAgentItem>("GET", path(id!));
      const body: UpdateScheduledAgentRequest = { ...scheduleBody(options, current), enabled: current.enabled };
      ctx.output.record(await client.request<ScheduledAgentItem>("PUT", path(id!), { body }), scheduleView);
    }),
  );

  for (const [action, verb] of [
    ["pause", "Pause a schedule: no runs until it is resumed"],
    ["resume", "Resume a paused schedule"],
  ] as const) {
    schedule
      .command(action)
      .description(verb)
      .argument("<schedule-id>")
      .action(
        actionOf(runtime, async (ctx, [id]) => {
          const item = await (await ctx.client()).request<ScheduledAgentItem>("POST", `${path(id!)}/${action}`);
          ctx.output.record(item, scheduleView);
        }),
      );
  }

  schedule
    .command("delete")
    .description("Delete a schedule (runs it already made stay)")
    .argument("<schedule-id>")
    .action(
      actionOf(runtime, async (ctx, [id]) => {
        await (await ctx.client()).request("DELETE", path(id!));
        ctx.output.done(`Deleted schedule ${id}.`, id!, { id, deleted: true });
      }),
    );
}

function withScheduleOptions(command: Command, creating: boolean) {
  return command
    .addOption(new Option("-n, --name <name>", "name").makeOptionMandatory(creating))
    .addOption(
      new Option("--cron <expression>", '5-field cron expression in UTC, e.g. "0 9 * * 1-5"').makeOptionMandatory(
        creating,
      ),
    )
    .option("--prompt <text>", "what each run is asked (required unless --skill)")
    .option("-e, --environment <env-id>", "environment of each run")
    .option("--model <model-id>", "model of each run")
    .option("--skill <spec>", "skill each run uses as its base prompt")
    .option("--agent <uid>", "cloud agent each run executes as (team schedules only)")
    .option("--metadata <key=value>", "metadata stamped on each run (repeatable)", collect)
    .addOption(new Option("--mode <mode>", "mode of each run").choices(["normal", "plan", "orchestrate"]));
}

/** The request from the options given, over `current` (the schedule as it is, on update). */
function scheduleBody(options: ScheduleOptions, current: ScheduledAgentItem | undefined) {
  const config = { ...current?.agent_config };
  if (options.environment !== undefined) config.environment_id = options.environment;
  if (options.model !== undefined) config.model_id = options.model;
  if (options.skill !== undefined) config.skill_spec = options.skill;
  const metadata = options.metadata ? parseMetadata(options.metadata) : current?.metadata;
  return {
    name: options.name ?? current!.name,
    cron_schedule: options.cron ?? current!.cron_schedule,
    prompt: options.prompt ?? current?.prompt,
    agent_config: config,
    ...((options.agent ?? current?.agent_uid) && { agent_uid: options.agent ?? current?.agent_uid }),
    ...(metadata && { metadata }),
    ...((options.mode ?? current?.mode) && { mode: options.mode ?? current?.mode }),
  };
}

function parseMetadata(pairs: string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--metadata ${pair}: expected key=value`);
    metadata[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return metadata;
}

const scheduleView = {
  fields: (s: ScheduledAgentItem) =>
    [
      ["ID", s.id],
      ["Name", s.name],
      ["Cron (UTC)", s.cron_schedule],
      ["Enabled", s.enabled ? "yes" : "no (paused)"],
      ["Prompt", s.prompt || undefined],
      ["Environment", s.agent_config?.environment_id],
      ["Skill", s.agent_config?.skill_spec],
      ["Agent", s.agent_uid],
      ["Mode", s.mode],
      [
        "Metadata",
        s.metadata
          ? Object.entries(s.metadata)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")
          : undefined,
      ],
      ["Next run", s.history?.next_run ?? undefined],
      ["Last ran", s.history?.last_ran ?? undefined],
      ["Last spawn error", s.last_spawn_error ?? undefined],
      ["Scope", s.scope?.type],
    ] as const,
  text: (s: ScheduledAgentItem) => s.id,
};
