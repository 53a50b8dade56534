import type { UpdateAgentRequest } from "@oz/contract";
import { Prisma } from "@oz/db";

// The three-way member semantics of a cloud agent's fields, shared by create and update: `undefined` (omitted
// or null) keeps the column as it is (on create: its default), an empty value clears it, anything else
// replaces it wholesale.

const isEmpty = (value: object) => (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);

function text(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return undefined;
  return value === "" ? null : value;
}

function json<T extends object>(value: T | null | undefined) {
  if (value === undefined || value === null) return undefined;
  return isEmpty(value) ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

function list<T>(value: T[] | null | undefined): T[] | undefined {
  return value ?? undefined;
}

/** `worker_host` is trimmed; empty means "no agent default". */
const workerHost = (value: string | null | undefined) => text(value?.trim());

/** Create bodies fit too: their members are a subset of the update's (which also accepts "" for enums). */
type AgentMembers = Omit<UpdateAgentRequest, "name" | "memory">;

/** The columns a create or update body sets; members it leaves alone are `undefined`. */
export function agentColumns(body: AgentMembers) {
  return {
    description: text(body.description),
    prompt: text(body.prompt),
    agentType: text(body.agent_type),
    baseModel: text(body.base_model),
    baseHarness: text(body.base_harness),
    harness: json(body.harness),
    harnessAuthSecrets: json(body.harness_auth_secrets),
    inferenceProviders: json(body.inference_providers),
    credentialStrategy: text(body.credential_strategy),
    defaultRunnerUid: text(body.default_runner_uid),
    environmentId: text(body.environment_id),
    mcpServers: json(body.mcp_servers),
    onBehalfOfEnabled: body.on_behalf_of_enabled ?? undefined,
    secrets: list(body.secrets)?.map((s) => s.name),
    skills: list(body.skills),
    workerHost: workerHost(body.worker_host),
  } satisfies Prisma.AgentUncheckedUpdateInput;
}
export type AgentColumns = ReturnType<typeof agentColumns>;

/** The value a column will hold after applying `columns` to `current` (null when cleared). */
export function effective<T>(change: T | typeof Prisma.DbNull | undefined, current: T | null): T | null {
  if (change === undefined) return current;
  return change === Prisma.DbNull ? null : (change as T);
}
