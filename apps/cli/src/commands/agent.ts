import { Option, type Command } from "commander";
import type { AgentListResponse, AgentRunResponse, AgentSkillVariant, RunEvent, RunItem } from "@oz/contract";
import type { ApiClient } from "../api/client.ts";
import { ApiError, ConnectionError } from "../api/problem.ts";
import type { CliContext } from "../context.ts";
import { CliError, EXIT } from "../errors.ts";
import { openUrl } from "../open-url.ts";
import { collect } from "../options.ts";
import { Progress } from "../output/progress.ts";
import { TranscriptWriter } from "../output/transcript.ts";
import { exitCodeOf } from "../runs/outcome.ts";
import { buildRunRequest, type RunCloudFlags } from "../runs/run-request.ts";
import { cliRun, paintState } from "../runs/run-view.ts";
import { followRunEvents } from "../runs/follow.ts";
import { getRun, waitForRunEnd } from "../runs/wait.ts";
import { actionOf, type Runtime } from "../runtime.ts";

interface RunCloudOptions extends RunCloudFlags {
  follow?: boolean;
  wait?: boolean;
  open?: boolean;
}

/** `oz agent run-cloud` and `oz agent list` (skills). */
export function registerAgentCommands(program: Command, runtime: Runtime) {
  const agent = program.command("agent").description("Run cloud agents and list the skills they can use");

  const runCloud = agent
    .command("run-cloud")
    .description("Start a cloud agent run (source CLI); with --follow stream it, with --wait exit with its outcome")
    .option("--prompt <text>", "the instruction (- reads it from standard input)")
    .option("-e, --environment <env-id>", "environment to run in (config.environment_id)")
    .option("--no-environment", "run without an environment")
    .option("-n, --name <name>", "config name, for grouping and filtering")
    .option("--skill <spec>", "skill as the base prompt (owner/repo:skill-name, repo:path/SKILL.md, …)")
    .option("--model <model-id>", "model of the built-in harness (config.model_id)")
    .option(
      "--mcp <uuid|json|file>",
      "MCP server (repeatable): a shared server's UUID, inline JSON or a JSON file",
      collect,
    )
    .option("--host <worker-id>", "self-hosted worker that must run it (config.worker_host)")
    .option("--attach <file>", "file sent with the prompt (repeatable, at most 5)", collect)
    .option("--computer-use", "enable computer use")
    .option("--no-computer-use", "disable computer use")
    .option("-f, --file <yaml|json>", "file holding the run's config object; flags given as well override its members")
    .option("--title <title>", "run title (default: generated)")
    .option("--metadata <key=value>", "run metadata (repeatable)", collect)
    .addOption(new Option("--mode <mode>", "query mode").choices(["normal", "plan", "orchestrate"]))
    .option("--follow", "stream the transcript until the run ends (ndjson: one event per line)")
    .option("--wait", "wait for the run to end; exit 0 SUCCEEDED, 1 FAILED, 2 ERROR, 3 CANCELLED, 4 not started")
    .option("--open", "open the run's session page in a browser once it has one")
    .action(actionOf<RunCloudOptions>(runtime, (ctx, _args, options, rt) => runCloudCommand(ctx, options, rt)));
  // A bad flag means the run never started: exit 4, which a pipeline tells apart from a run that failed.
  runCloud.exitOverride((error) => {
    if (error.exitCode === 0) throw error;
    throw new CliError(error.message, EXIT.couldNotStart, true);
  });

  agent
    .command("list")
    .description("List the skills found in the repositories of your environments")
    .option("--repo <owner/repo>", "only this repository")
    .option("--refresh", "read the repositories again instead of the server's cache")
    .action(
      actionOf<{ repo?: string; refresh?: boolean }>(runtime, async (ctx, _args, options) => {
        const client = await ctx.client();
        const list = await client.request<AgentListResponse>("GET", "/agent", {
          query: { repo: options.repo, refresh: options.refresh },
        });
        const variants = list.agents.flatMap((skill) => skill.variants.map((v) => ({ skill: skill.name, ...v })));
        ctx.output.list(variants, {
          columns: [
            { header: "NAME", value: (v) => v.skill },
            { header: "SPEC", value: (v) => v.id },
            { header: "DESCRIPTION", value: (v) => v.description, maxWidth: 60 },
          ],
          text: (v) => `${v.id}\t${v.skill}`,
          json: ({ skill, ...variant }: { skill: string } & AgentSkillVariant) => ({ name: skill, ...variant }),
          empty: "No skills found in your environments' repositories.",
        });
      }),
    );
}

async function runCloudCommand(ctx: CliContext, options: RunCloudOptions, runtime: Runtime): Promise<number> {
  const output = ctx.output;
  let client: ApiClient;
  let created: AgentRunResponse;
  try {
    const body = await buildRunRequest(options, runtime.readStdin);
    client = await ctx.client();
    created = await client.request<AgentRunResponse>("POST", "/agent/runs", {
      body,
      headers: { "x-oz-source": "CLI" },
    });
  } catch (error) {
    throw couldNotStart(error);
  }
  const runId = created.run_id;

  if (!options.follow && !options.wait) {
    output.done(`Run ${runId} ${created.state}. Follow it with: oz run get ${runId}`, runId, {
      uid: runId,
      ...created,
    });
    if (options.open) await openSession(client, runId, output);
    return EXIT.ok;
  }

  if (output.format === "pretty") output.note(output.color.dim(`Run ${runId} ${created.state}`));
  if (options.open) void openSession(client, runId, output).catch(() => {});

  let final: RunItem;
  if (options.follow) {
    const writer = new TranscriptWriter(output);
    const onEvent = (event: RunEvent) => {
      if (output.format === "ndjson") output.jsonLine({ run_id: runId, ...event });
      else if (output.format !== "json") writer.write(event);
    };
    try {
      await followRunEvents(client, runId, onEvent);
    } catch (error) {
      if (!(error instanceof ConnectionError || error instanceof ApiError)) throw error;
      output.warn(`The live transcript stopped (${error.message}); waiting for the run to end.`);
    }
    writer.finish();
    final = await waitForRunEnd(client, runId);
  } else {
    const progress = new Progress(output);
    try {
      final = await waitForRunEnd(client, runId, progress);
    } finally {
      progress.stop();
    }
  }

  reportOutcome(ctx, final);
  return options.wait ? exitCodeOf(final.state) : EXIT.ok;
}

/** The outcome: the run document for json/ndjson, one line on stderr for people. */
function reportOutcome(ctx: CliContext, run: RunItem) {
  const output = ctx.output;
  if (output.format === "json") output.out(JSON.stringify(cliRun(run), null, 2));
  else if (output.format === "ndjson") output.jsonLine({ run_id: run.run_id, type: "run", run: cliRun(run) });
  const status = run.status_message?.message ? `: ${run.status_message.message}` : "";
  const time = run.run_time ? ` (${run.run_time})` : "";
  output.note(`Run ${run.run_id} ${paintState(output, run.state)}${time}${status}`);
}

async function openSession(client: ApiClient, runId: string, output: CliContext["output"]) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const run = await getRun(client, runId);
    if (run.session_link) {
      output.note(`Session: ${run.session_link}`);
      return openUrl(run.session_link);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Anything that kept the run from being created exits 4 (`--wait`'s "could not start"). */
function couldNotStart(error: unknown): CliError {
  if (error instanceof CliError) return new CliError(error.message, EXIT.couldNotStart, error.reported);
  const wrapped = new CliError((error as Error).message, EXIT.couldNotStart);
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}
