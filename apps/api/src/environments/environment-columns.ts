import type { CreateEnvironmentRequest, UpdateEnvironmentRequest } from "@oz/contract";
import type { Prisma } from "@oz/db";

/**
 * The columns a create or update body sets. Omitted/null members are `undefined` (kept); anything else
 * replaces the stored value wholesale: `description: ""` clears it, `resources: {}` resets every limit.
 */
export function environmentColumns(body: UpdateEnvironmentRequest | CreateEnvironmentRequest) {
  const { resources } = body;
  return {
    name: body.name ?? undefined,
    description: body.description === undefined || body.description === null ? undefined : body.description || null,
    dockerImage: body.docker_image ?? undefined,
    repos: (body.github_repos ?? undefined) as Prisma.InputJsonValue | undefined,
    setupCommands: body.setup_commands ?? undefined,
    network: body.network ?? undefined,
    ...(resources && {
      cpus: resources.cpus ?? null,
      memoryMb: resources.memory_mb ?? null,
      pidsLimit: resources.pids_limit ?? null,
    }),
    secrets: body.secrets ?? undefined,
    failureRetentionMinutes: body.failure_session_retention_minutes ?? undefined,
    warmPoolSize: body.warm_pool?.size ?? undefined,
  } satisfies Prisma.EnvironmentUncheckedUpdateInput;
}
