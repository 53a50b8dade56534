import type { AgentRunParams, HarnessType } from "@oz/contract";

/** What the "New run" form holds; every field is text as typed. */
export interface NewRunForm {
  prompt: string;
  title: string;
  /** A cloud agent's uid, or "" for a quick run as the signed-in user. */
  agentUid: string;
  environmentId: string;
  modelId: string;
  configName: string;
  /** "" leaves the harness to the agent or the platform default. */
  harness: HarnessType | "";
  command: string;
}

export const EMPTY_NEW_RUN: NewRunForm = {
  prompt: "",
  title: "",
  agentUid: "",
  environmentId: "",
  modelId: "",
  configName: "",
  harness: "",
  command: "",
};

/** What is wrong with the form, in words, or null when it can be sent. */
export function newRunProblem(form: NewRunForm): string | null {
  if (!form.prompt.trim()) return "Write a prompt: what should the agent do?";
  if (form.harness === "command" && !form.command.trim()) return "The command harness needs a command to run.";
  return null;
}

/** The `POST /agent/runs` body: only what the user filled in, so the agent's and team's defaults apply to the rest. */
export function runParamsOf(form: NewRunForm): AgentRunParams {
  const harness =
    form.harness === ""
      ? undefined
      : {
          type: form.harness,
          ...(form.harness === "command" && { command: form.command.trim() }),
          ...(form.harness !== "oz" &&
            form.harness !== "command" &&
            form.modelId.trim() && { model_id: form.modelId.trim() }),
        };
  const ozModel = form.harness === "" || form.harness === "oz" ? form.modelId.trim() : "";
  const config = {
    ...(form.configName.trim() && { name: form.configName.trim() }),
    ...(ozModel && { model_id: ozModel }),
    ...(form.environmentId && { environment_id: form.environmentId }),
    ...(harness && { harness }),
  };
  return {
    prompt: form.prompt.trim(),
    ...(form.title.trim() && { title: form.title.trim() }),
    ...(form.agentUid && { agent_identity_uid: form.agentUid }),
    ...(Object.keys(config).length > 0 && { config }),
  };
}
