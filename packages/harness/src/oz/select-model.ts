import { createLlmClient, type LlmClient, type ModelEntry } from "@oz/llm";
import type { HarnessContext, HarnessOutcome } from "../port.ts";

export type SelectedModel = { entry: ModelEntry; client: LlmClient; apiKey: string | undefined };

/**
 * The run's model (its `model_id`, else the catalogue's default) and a client with its key: from a team
 * secret (`api_key_secret`) or the worker's environment (`api_key_env`). What stands in the way is an outcome.
 */
export async function selectModel(ctx: HarnessContext): Promise<SelectedModel | { outcome: HarnessOutcome }> {
  const catalogue = ctx.models;
  if (!catalogue || catalogue.models.length === 0) {
    return failed(
      "feature_not_available",
      "No models are configured on this server: set OZ_MODELS_FILE or OZ_MODELS for the worker.",
    );
  }
  const known = catalogue.models.map((m) => m.id).join(", ");
  const id = ctx.run.config.model_id ?? catalogue.defaultModelId;
  if (id === undefined) {
    return failed(
      "invalid_request",
      `The run has no model_id and the server has no default model (OZ_DEFAULT_MODEL); models: ${known}.`,
    );
  }
  const entry = catalogue.find(id);
  if (!entry)
    return failed("invalid_request", `Model "${id}" is not in this worker's model catalogue (models: ${known}).`);

  let apiKey: string | undefined;
  if (entry.api_key_secret) {
    try {
      if (!ctx.resolveSecret) throw new Error("this worker cannot read team secrets");
      apiKey = await ctx.resolveSecret(entry.api_key_secret);
    } catch (err) {
      return failed(
        "environment_setup_failed",
        `The key of model "${id}" (team secret ${entry.api_key_secret}) could not be loaded: ${(err as Error).message}`,
      );
    }
  } else if (entry.api_key_env) {
    apiKey = catalogue.keyFromEnv(entry);
    if (apiKey === undefined) {
      return {
        outcome: {
          state: "ERROR",
          errorCode: "internal_error",
          message: `Model "${id}" reads its key from ${entry.api_key_env}, which is not set on this worker.`,
        },
      };
    }
  }
  return { entry, client: createLlmClient(entry, apiKey), apiKey };
}

const failed = (errorCode: HarnessOutcome["errorCode"], message: string) => ({
  outcome: { state: "FAILED" as const, errorCode, message },
});
