import type { CloudEnvironment, GithubRepo, UserProfile } from "@oz/contract";
import type { Environment } from "@oz/db";
import type { TaskActivity } from "./task-activity.ts";

/** An environment row as the contract's `CloudEnvironment` with our sandbox settings in `config`. */
export function presentEnvironment(
  env: Environment,
  profiles: Map<string, UserProfile>,
  activity: TaskActivity | undefined,
): CloudEnvironment {
  const creator = env.createdBy ? profiles.get(env.createdBy) : undefined;
  const lastEditor = env.updatedBy ? profiles.get(env.updatedBy) : undefined;
  return {
    uid: env.id,
    config: {
      name: env.name,
      ...(env.description !== null && { description: env.description }),
      docker_image: env.dockerImage,
      github_repos: env.repos as GithubRepo[],
      setup_commands: env.setupCommands,
      network: env.network as "bridge" | "none",
      resources: {
        ...(env.cpus !== null && { cpus: env.cpus }),
        ...(env.memoryMb !== null && { memory_mb: env.memoryMb }),
        ...(env.pidsLimit !== null && { pids_limit: env.pidsLimit }),
      },
      secrets: env.secrets,
      ...(env.failureRetentionMinutes !== null && {
        failure_session_retention_minutes: env.failureRetentionMinutes,
      }),
      ...(env.warmPoolSize > 0 && { warm_pool: { size: env.warmPoolSize } }),
    },
    last_updated: env.updatedAt.toISOString(),
    setup_failed: env.setupFailed,
    ...(creator && { creator }),
    ...(lastEditor && { last_editor: lastEditor }),
    ...activity,
    scope: { type: "Team", uid: env.teamId },
  };
}
