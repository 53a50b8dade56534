import type { AgentMemory, AgentResponse } from "@oz/contract";
import type { Agent } from "@oz/db";

/** What an agent row stores in its `memory` column; absent members take the create defaults. */
export function storedMemory(value: unknown): AgentMemory {
  const memory = (value ?? {}) as Partial<AgentMemory>;
  return {
    attached_stores: memory.attached_stores ?? [],
    auto_memory: { enabled: memory.auto_memory?.enabled ?? true },
  };
}

/** An agent row as the contract's `AgentResponse`: required members always, optional ones when set. */
export function presentAgent(agent: Agent, available: boolean): AgentResponse {
  return {
    uid: agent.id,
    name: agent.name,
    available,
    created_at: agent.createdAt.toISOString(),
    updated_at: agent.updatedAt.toISOString(),
    default_runner_uid: agent.defaultRunnerUid ?? "",
    skills: agent.skills,
    secrets: agent.secrets.map((name) => ({ name })),
    memory: storedMemory(agent.memory),
    is_default: agent.isDefault,
    on_behalf_of_enabled: agent.onBehalfOfEnabled,
    ...(agent.description !== null && { description: agent.description }),
    ...(agent.prompt !== null && { prompt: agent.prompt }),
    ...(agent.agentType !== null && { agent_type: agent.agentType as AgentResponse["agent_type"] }),
    ...(agent.factoryUid !== null && { factory_uid: agent.factoryUid }),
    ...(agent.baseModel !== null && { base_model: agent.baseModel }),
    ...(agent.baseHarness !== null && { base_harness: agent.baseHarness }),
    ...(agent.harness !== null && { harness: agent.harness as AgentResponse["harness"] }),
    ...(agent.harnessAuthSecrets !== null && {
      harness_auth_secrets: agent.harnessAuthSecrets as AgentResponse["harness_auth_secrets"],
    }),
    ...(agent.inferenceProviders !== null && {
      inference_providers: agent.inferenceProviders as AgentResponse["inference_providers"],
    }),
    ...(agent.mcpServers !== null && { mcp_servers: agent.mcpServers as AgentResponse["mcp_servers"] }),
    ...(agent.environmentId !== null && { environment_id: agent.environmentId }),
    ...(agent.workerHost !== null && { worker_host: agent.workerHost }),
    ...(agent.credentialStrategy !== null && {
      credential_strategy: agent.credentialStrategy as AgentResponse["credential_strategy"],
    }),
  };
}
