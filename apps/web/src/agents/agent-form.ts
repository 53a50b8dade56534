import type { AgentResponse, CreateAgentRequest, HarnessType, UpdateAgentRequest } from "@oz/contract";

export interface AgentForm {
  name: string;
  description: string;
  prompt: string;
  baseModel: string;
  harness: HarnessType | "";
  command: string;
  environmentId: string;
}

export const EMPTY_AGENT: AgentForm = {
  name: "",
  description: "",
  prompt: "",
  baseModel: "",
  harness: "",
  command: "",
  environmentId: "",
};

export const agentFormOf = (a: AgentResponse): AgentForm => ({
  name: a.name,
  description: a.description ?? "",
  prompt: a.prompt ?? "",
  baseModel: a.base_model ?? "",
  harness: a.harness?.type ?? "",
  command: a.harness?.command ?? "",
  environmentId: a.environment_id ?? "",
});

export function agentProblem(form: AgentForm): string | null {
  if (!form.name.trim()) return "Give the agent a name.";
  if (form.harness === "command" && !form.command.trim()) return "The command harness needs a command.";
  if (form.harness && form.harness !== "oz" && form.baseModel.trim()) {
    return "A base model only applies to the Oz harness; clear it or pick Oz.";
  }
  return null;
}

/**
 * The create or update body. On update an emptied field is sent as "" (or {}), which clears it;
 * on create it is simply left out.
 */
export function agentRequestOf(form: AgentForm, editing: boolean): CreateAgentRequest | UpdateAgentRequest {
  const text = (value: string) => (value.trim() ? value.trim() : editing ? "" : undefined);
  const harness = form.harness
    ? { type: form.harness, ...(form.harness === "command" && { command: form.command.trim() }) }
    : editing
      ? {}
      : undefined;
  const body = {
    name: form.name.trim(),
    description: text(form.description),
    prompt: text(form.prompt),
    base_model: text(form.baseModel),
    environment_id: text(form.environmentId),
    harness,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as CreateAgentRequest;
}
