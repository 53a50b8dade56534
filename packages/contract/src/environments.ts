import { z } from "zod";
import { Scope, Timestamp, UserProfile } from "./common.ts";
import { RunState } from "./enums.ts";
import { SecretName } from "./secrets.ts";

// Environments, plus our own create/update bodies, shaped like the CLI's `oz environment` flags.

export const GithubRepo = z.object({
  owner: z.string().min(1),
  repo: z.string().min(1),
  /** Ours: branch to check out (default: the remote's default branch). */
  branch: z.string().optional(),
  /** Ours: any git URL instead of a GitHub repository (GitLab, Gitea, a local git daemon). */
  url: z.string().optional(),
});
export type GithubRepo = z.infer<typeof GithubRepo>;

export const NetworkMode = z.enum(["bridge", "none"]);

/** Ours: sandbox limits. Absent members fall back to the platform's defaults. */
export const SandboxResources = z.object({
  cpus: z.number().positive().max(64).optional(),
  memory_mb: z.number().int().min(16).max(262144).optional(),
  pids_limit: z.number().int().min(16).max(65536).optional(),
});

/**
 * Ours: sandboxes of this environment the worker keeps started, cloned and set up (without secrets) so a run
 * starts in one at once. 0 or absent: none. At most the operator's OZ_WARM_POOL_MAX_SIZE.
 */
export const WarmPool = z.object({ size: z.number().int().min(0).max(64) }).meta({ id: "WarmPool" });

export const CloudEnvironmentConfig = z
  .object({
    name: z.string().optional(),
    description: z.string().nullable().optional(),
    docker_image: z.string().optional(),
    github_repos: z.array(GithubRepo).optional(),
    setup_commands: z.array(z.string()).optional(),
    providers: z.record(z.string(), z.unknown()).optional(),
    failure_session_retention_minutes: z.number().int().min(1).max(60).nullable().optional(),
    /** Ours. */
    network: NetworkMode.optional(),
    resources: SandboxResources.optional(),
    secrets: z.array(z.string()).optional(),
    warm_pool: WarmPool.optional(),
  })
  .meta({ id: "CloudEnvironmentConfig" });
export type CloudEnvironmentConfig = z.infer<typeof CloudEnvironmentConfig>;

export const CloudEnvironment = z
  .object({
    uid: z.string(),
    config: CloudEnvironmentConfig,
    last_updated: Timestamp,
    setup_failed: z.boolean(),
    creator: UserProfile.optional(),
    last_editor: UserProfile.optional(),
    last_task_created: z
      .object({
        id: z.string(),
        title: z.string(),
        state: RunState,
        created_at: Timestamp,
        updated_at: Timestamp,
        started_at: Timestamp.nullable().optional(),
      })
      .optional(),
    last_task_run_timestamp: Timestamp.nullable().optional(),
    scope: Scope.optional(),
  })
  .meta({ id: "CloudEnvironment" });
export type CloudEnvironment = z.infer<typeof CloudEnvironment>;

export const ListEnvironmentsQuery = z.object({
  sort_by: z.enum(["name", "last_updated"]).default("last_updated"),
});

export const AgentListEnvironmentsResponse = z
  .object({ environments: z.array(CloudEnvironment) })
  .meta({ id: "AgentListEnvironmentsResponse" });

const EnvironmentName = z.string().trim().min(1, "name is required").max(100, "name may be at most 100 characters");
const Description = z.string().max(240, "description may be at most 240 characters");
const DockerImage = z.string().trim().min(1, "docker_image is required");
const GithubRepos = z.array(GithubRepo).max(20, "at most 20 repositories");
const SetupCommands = z
  .array(z.string().min(1, "setup commands must not be empty"))
  .max(100, "at most 100 setup commands");
const RetentionMinutes = z.number().int().min(1).max(60);

export const CreateEnvironmentRequest = z
  .object({
    name: EnvironmentName,
    description: Description.nullish(),
    docker_image: DockerImage,
    github_repos: GithubRepos.default([]),
    setup_commands: SetupCommands.default([]),
    network: NetworkMode.default("bridge"),
    resources: SandboxResources.default({}),
    secrets: z.array(SecretName).default([]),
    failure_session_retention_minutes: RetentionMinutes.nullish(),
    warm_pool: WarmPool.optional(),
  })
  .meta({ id: "CreateEnvironmentRequest" });
export type CreateEnvironmentRequest = z.infer<typeof CreateEnvironmentRequest>;

/**
 * Partial update: omitted or null keeps the stored value, anything else replaces it wholesale
 * (`description: ""` clears the description, `resources: {}` returns to the platform defaults).
 */
export const UpdateEnvironmentRequest = z
  .object({
    name: EnvironmentName.nullish(),
    description: Description.nullish(),
    docker_image: DockerImage.nullish(),
    github_repos: GithubRepos.nullish(),
    setup_commands: SetupCommands.nullish(),
    network: NetworkMode.nullish(),
    resources: SandboxResources.nullish(),
    secrets: z.array(SecretName).nullish(),
    failure_session_retention_minutes: RetentionMinutes.nullish(),
    warm_pool: WarmPool.nullish(),
  })
  .meta({ id: "UpdateEnvironmentRequest" });
export type UpdateEnvironmentRequest = z.infer<typeof UpdateEnvironmentRequest>;

export const EnvironmentUidParams = z.object({ uid: z.string() });

export const DeleteEnvironmentResponse = z
  .object({ success: z.literal(true) })
  .meta({ id: "DeleteEnvironmentResponse" });
