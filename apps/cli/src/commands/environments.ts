import type { z } from "zod";
import type { Command } from "commander";
import type {
  AgentListEnvironmentsResponse,
  CloudEnvironment,
  CreateEnvironmentRequest,
  GithubRepo,
  UpdateEnvironmentRequest,
} from "@oz/contract";
import { CliError } from "../errors.ts";
import { collect } from "../options.ts";
import { promptLine } from "../prompt.ts";
import { shortTime } from "../runs/run-view.ts";
import { actionOf, type Runtime } from "../runtime.ts";

interface CreateOptions {
  name: string;
  dockerImage?: string;
  repo?: string[];
  setupCommand?: string[];
  description?: string;
  secret?: string[];
}

interface UpdateOptions {
  name?: string;
  dockerImage?: string;
  description?: string;
  repo?: string[];
  removeRepo?: string[];
  setupCommand?: string[];
  removeSetupCommand?: string[];
}

const path = (uid: string) => `/agent/environments/${encodeURIComponent(uid)}`;

/** `oz environment create|list|get|update|delete`. */
export function registerEnvironmentCommands(program: Command, runtime: Runtime) {
  const environment = program
    .command("environment")
    .alias("env")
    .description("Cloud environments: the image, repositories and setup commands runs start from");

  environment
    .command("create")
    .description("Create an environment")
    .requiredOption("-n, --name <name>", "environment name")
    .option("-d, --docker-image <image>", "sandbox image (asked for on a terminal when left out)")
    .option("-r, --repo <owner/repo[@branch]>", "repository to clone (repeatable)", collect)
    .option("-c, --setup-command <command>", "setup command, run in the order given (repeatable)", collect)
    .option("--description <text>", "up to 240 characters")
    .option("--secret <name>", "team secret injected into its runs (repeatable)", collect)
    .action(
      actionOf<CreateOptions>(runtime, async (ctx, _args, options, rt) => {
        let image = options.dockerImage;
        if (!image && rt.stdinIsTTY) image = await promptLine("Docker image: ", ctx.streams);
        if (!image) throw new CliError("--docker-image is required (e.g. --docker-image node:24-bookworm)");
        const body: Partial<CreateEnvironmentRequest> = {
          name: options.name,
          docker_image: image,
          github_repos: (options.repo ?? []).map(parseRepo),
          setup_commands: options.setupCommand ?? [],
          ...(options.description !== undefined && { description: options.description }),
          ...(options.secret && { secrets: options.secret }),
        };
        const created = await (await ctx.client()).request<CloudEnvironment>("POST", "/agent/environments", { body });
        ctx.output.record(created, environmentView);
      }),
    );

  environment
    .command("list")
    .description("List the environments you can use")
    .action(
      actionOf(runtime, async (ctx) => {
        const list = await (
          await ctx.client()
        ).request<z.infer<typeof AgentListEnvironmentsResponse>>("GET", "/agent/environments");
        ctx.output.list(list.environments, {
          columns: [
            { header: "ID", value: (e) => e.uid },
            { header: "NAME", value: (e) => e.config.name, maxWidth: 40 },
            { header: "IMAGE", value: (e) => e.config.docker_image, maxWidth: 40 },
            { header: "REPOS", value: (e) => (e.config.github_repos ?? []).map(repoName).join(", "), maxWidth: 40 },
            { header: "UPDATED", value: (e) => shortTime(e.last_updated) },
          ],
          text: (e) => `${e.uid}\t${e.config.name ?? ""}`,
          empty: "No environments. Create one with `oz environment create`.",
        });
      }),
    );

  environment
    .command("get")
    .description("Show an environment: image, repositories, setup commands")
    .argument("<env-id>")
    .action(
      actionOf(runtime, async (ctx, [uid]) => {
        const found = await (await ctx.client()).request<CloudEnvironment>("GET", path(uid!));
        ctx.output.record(found, environmentView);
      }),
    );

  environment
    .command("update")
    .description("Change an environment: add or remove repositories and setup commands, rename, re-image")
    .argument("<env-id>")
    .option("-n, --name <name>", "new name")
    .option("-d, --docker-image <image>", "new sandbox image")
    .option("--description <text>", "new description (empty clears it)")
    .option("-r, --repo <owner/repo[@branch]>", "add a repository (repeatable)", collect)
    .option("--remove-repo <owner/repo>", "remove a repository (repeatable)", collect)
    .option("-c, --setup-command <command>", "append a setup command (repeatable)", collect)
    .option("--remove-setup-command <command>", "remove a setup command, matched exactly (repeatable)", collect)
    .action(
      actionOf<UpdateOptions>(runtime, async (ctx, [uid], options) => {
        const client = await ctx.client();
        const current = await client.request<CloudEnvironment>("GET", path(uid!));
        const body = environmentChanges(current, options);
        if (Object.keys(body).length === 0) throw new CliError("Nothing to change: give at least one option.");
        const updated = await client.request<CloudEnvironment>("PUT", path(uid!), { body });
        ctx.output.record(updated, environmentView);
      }),
    );

  environment
    .command("delete")
    .description("Delete an environment (runs keep their history)")
    .argument("<env-id>")
    .option("--force", "skip the check for integrations using it (this server has none)")
    .action(
      actionOf(runtime, async (ctx, [uid]) => {
        await (await ctx.client()).request("DELETE", path(uid!));
        ctx.output.done(`Deleted environment ${uid}.`, uid!, { uid, deleted: true });
      }),
    );
}

/** The update body: only the members an option touches; lists are edited from the current ones. */
export function environmentChanges(current: CloudEnvironment, options: UpdateOptions): UpdateEnvironmentRequest {
  const body: UpdateEnvironmentRequest = {};
  if (options.name !== undefined) body.name = options.name;
  if (options.dockerImage !== undefined) body.docker_image = options.dockerImage;
  if (options.description !== undefined) body.description = options.description;

  if (options.repo || options.removeRepo) {
    let repos = [...(current.config.github_repos ?? [])];
    for (const gone of options.removeRepo ?? []) {
      const kept = repos.filter((r) => repoName(r) !== gone);
      if (kept.length === repos.length)
        throw new CliError(`--remove-repo ${gone}: the environment has no such repository`);
      repos = kept;
    }
    for (const added of (options.repo ?? []).map(parseRepo)) {
      repos = [...repos.filter((r) => repoName(r) !== repoName(added)), added];
    }
    body.github_repos = repos;
  }

  if (options.setupCommand || options.removeSetupCommand) {
    const commands = [...(current.config.setup_commands ?? [])];
    for (const gone of options.removeSetupCommand ?? []) {
      const at = commands.indexOf(gone);
      if (at < 0) throw new CliError(`--remove-setup-command: no setup command is exactly '${gone}'`);
      commands.splice(at, 1);
    }
    body.setup_commands = [...commands, ...(options.setupCommand ?? [])];
  }
  return body;
}

/** `owner/repo` or `owner/repo@branch`. */
function parseRepo(spec: string): GithubRepo {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:@(.+))?$/.exec(spec);
  if (!match) throw new CliError(`--repo ${spec}: expected owner/repo or owner/repo@branch`);
  return { owner: match[1]!, repo: match[2]!, ...(match[3] && { branch: match[3] }) };
}

const repoName = (r: GithubRepo) => `${r.owner}/${r.repo}`;

const environmentView = {
  fields: (e: CloudEnvironment) => [
    ["ID", e.uid] as const,
    ["Name", e.config.name] as const,
    ["Description", e.config.description ?? undefined] as const,
    ["Docker image", e.config.docker_image] as const,
    ...(e.config.github_repos ?? []).map(
      (r) => ["Repository", `${repoName(r)}${r.branch ? `@${r.branch}` : ""}`] as const,
    ),
    ...(e.config.setup_commands ?? []).map((c, i) => [`Setup ${i + 1}`, c] as const),
    ["Secrets", (e.config.secrets ?? []).join(", ")] as const,
    ["Network", e.config.network] as const,
    ["Updated", shortTime(e.last_updated)] as const,
  ],
  text: (e: CloudEnvironment) => e.uid,
};
