import { z } from "zod";

// Ours (the contract has `oz model list` but no route for it): `GET /models`, the built-in harness's models.

/** The wire protocol a model is reached by: OpenAI-compatible chat completions, or the Anthropic Messages API. */
export const ModelProvider = z.enum(["openai", "anthropic"]);
export type ModelProvider = z.infer<typeof ModelProvider>;

/** One model of the server's catalogue (`OZ_MODELS_FILE` / `OZ_MODELS`), as `config.model_id` names it. Never a key. */
export const ModelInfo = z
  .object({
    id: z.string(),
    provider: ModelProvider,
    /** The provider's name for the model (what is sent to it). */
    model: z.string(),
    context_window: z.number().int().optional(),
    input_price_per_mtok: z.number().optional(),
    output_price_per_mtok: z.number().optional(),
    /** The team secret holding the key, by name. */
    api_key_secret: z.string().optional(),
    /** The worker environment variable holding the key, by name. */
    api_key_env: z.string().optional(),
    /** Runs without a `model_id` use this model (`OZ_DEFAULT_MODEL`). */
    is_default: z.boolean(),
  })
  .meta({ id: "ModelInfo" });
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ModelList = z
  .object({ models: z.array(ModelInfo), default_model_id: z.string().optional() })
  .meta({ id: "ModelList" });
export type ModelList = z.infer<typeof ModelList>;
