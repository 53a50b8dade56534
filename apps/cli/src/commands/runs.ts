import { Option, type Command } from "commander";
import type { RunEvent, RunItem, RunsPage } from "@oz/contract";
import type { ApiClient } from "../api/client.ts";
import { collect, parseKeyValues, positiveInt } from "../options.ts";
import { TranscriptWriter } from "../output/transcript.ts";
import { runListView, runRecordView } from "../runs/run-view.ts";
import { getRun } from "../runs/wait.ts";
import { actionOf, type Runtime } from "../runtime.ts";

interface ListOptions {
  limit: number;
  state?: string[];
  source?: string;
  environment?: string;
  creator?: string;
  executor?: string;
  model?: string;
  name?: string;
  skill?: string;
  schedule?: string;
  artifactType?: string;
  ancestor?: string;
  executionLocation?: string;
  query?: string;
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  metadata?: string[];
  sortBy?: string;
  sortOrder?: string;
}

/** The API's largest page; longer `--limit`s are fetched page by page. */
const API_PAGE = 100;

/** `oz run list|get|cancel|followup`, also spelled `oz task …`. */
export function registerRunCommands(program: Command, runtime: Runtime) {
  const run = program.command("run").alias("task").description("Inspect and steer cloud agent runs");

  run
    .command("list")
    .description("List runs, most recently updated first")
    .option("--limit <n>", "how many runs to show", positiveInt, 10)
    .option("--state <state>", "only runs in this state (repeatable: any of them)", collect)
    .option("--source <source>", "only runs created from this surface (API, CLI, WEB_APP, …)")
    .option("-e, --environment <env-id>", "only runs in this environment (empty-environment: none)")
    .option("--creator <uid>", "only runs created by this user or cloud agent")
    .option("--executor <uid>", "only runs executed as this user or cloud agent")
    .option("--model <model-id>", "only runs using this model")
    .option("-n, --name <name>", "only runs whose config name is this")
    .option("--skill <spec>", "only runs using this skill")
    .option("--schedule <schedule-id>", "only runs of this scheduled agent")
    .option("--artifact-type <type>", "only runs with an artifact of this type (FILE, PLAN, …)")
    .option("--ancestor <run-id>", "only runs descending from this run")
    .option("--execution-location <where>", "LOCAL or REMOTE")
    .option("-q, --query <text>", "search titles, prompts and skills")
    .option("--created-after <time>", "RFC 3339 time")
    .option("--created-before <time>", "RFC 3339 time")
    .option("--updated-after <time>", "RFC 3339 time")
    .option("--metadata <key=value>", "only runs with this metadata (repeatable: all of them)", collect)
    .addOption(new Option("--sort-by <field>").choices(["updated_at", "created_at", "title", "agent"]))
    .addOption(new Option("--sort-order <order>").choices(["asc", "desc"]))
    .action(
      actionOf<ListOptions>(runtime, async (ctx, _args, options) => {
        const runs = await listRuns(await ctx.client(), options);
        ctx.output.list(runs, runListView(ctx.output));
      }),
    );

  run
    .command("get")
    .description("Show one run: state, configuration, artifacts")
    .argument("<run-id>")
    .option("--conversation", "also show the run's transcript")
    .action(
      actionOf<{ conversation?: boolean }>(runtime, async (ctx, [runId], options) => {
        const client = await ctx.client();
        const item = await getRun(client, runId!);
        const events = options.conversation ? await transcriptOf(client, runId!) : undefined;
        ctx.output.record(item, runRecordView(ctx.output, events));
        if (events && !ctx.output.isStructured) {
          if (ctx.output.format === "pretty") ctx.output.out(`\n${ctx.output.color.bold("Transcript")}`);
          const writer = new TranscriptWriter(ctx.output);
          events.forEach((event) => writer.write(event));
          writer.finish();
        }
      }),
    );

  run
    .command("cancel")
    .description("Cancel a queued or running run")
    .argument("<run-id>")
    .action(
      actionOf(runtime, async (ctx, [runId]) => {
        const client = await ctx.client();
        const cancelled = String(
          await client.request<string>("POST", `/agent/runs/${encodeURIComponent(runId!)}/cancel`),
        );
        ctx.output.done(`Cancelled run ${cancelled}.`, cancelled, { uid: cancelled, cancelled: true });
      }),
    );

  run
    .command("followup")
    .description("Send a follow-up message to a run (an ended run starts a new execution)")
    .argument("<run-id>")
    .argument("[message]", "the message; - reads it from standard input")
    .option("-m, --message <text>", "the message (instead of the argument)")
    .addOption(new Option("--mode <mode>", "query mode").choices(["normal", "plan", "orchestrate"]))
    .action(
      actionOf<{ message?: string; mode?: string }>(runtime, async (ctx, [runId, argument], options, rt) => {
        let message = options.message ?? argument;
        if (message === "-") message = (await rt.readStdin()).trim();
        const client = await ctx.client();
        await client.request("POST", `/agent/runs/${encodeURIComponent(runId!)}/followups`, {
          body: { message, ...(options.mode && { mode: options.mode }) },
        });
        ctx.output.done(`Sent the follow-up to run ${runId}.`, runId!, { uid: runId, accepted: true });
      }),
    );
}

/** Fetches up to `limit` runs, page after page (the API caps a page at 100). */
async function listRuns(client: ApiClient, options: ListOptions): Promise<RunItem[]> {
  const upper = (v: string | undefined) => v?.toUpperCase();
  const query = {
    state: options.state?.flatMap((s) => s.split(",")).map((s) => s.trim().toUpperCase()),
    source: upper(options.source),
    environment_id: options.environment,
    creator: options.creator,
    executor: options.executor,
    model_id: options.model,
    name: options.name,
    skill_spec: options.skill,
    schedule_id: options.schedule,
    artifact_type: upper(options.artifactType),
    ancestor_run_id: options.ancestor,
    execution_location: upper(options.executionLocation),
    q: options.query,
    created_after: options.createdAfter,
    created_before: options.createdBefore,
    updated_after: options.updatedAfter,
    metadata: options.metadata && parseKeyValues(options.metadata, "--metadata"),
    sort_by: options.sortBy,
    sort_order: options.sortOrder,
  };
  const runs: RunItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request<RunsPage>("GET", "/agent/runs", {
      query: { ...query, limit: Math.min(API_PAGE, options.limit - runs.length), cursor },
    });
    runs.push(...page.runs);
    cursor = page.page_info.has_next_page ? page.page_info.next_cursor : undefined;
  } while (cursor && runs.length < options.limit);
  return runs;
}

/** The whole transcript of a run, oldest first. */
export async function transcriptOf(client: ApiClient, runId: string): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for (;;) {
    const page = await client.request<{ events: RunEvent[]; has_more: boolean }>(
      "GET",
      `/agent/runs/${encodeURIComponent(runId)}/events`,
      { query: { limit: 1000, after: events.at(-1)?.id } },
    );
    events.push(...page.events);
    if (!page.has_more || page.events.length === 0) return events;
  }
}
