import { readFileSync } from "node:fs";
import { ConfigError } from "@oz/config";
import { ModelProvider, type ModelInfo } from "@oz/contract";
import { invalid } from "@oz/errors";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/** One catalogue entry as an operator writes it: which endpoint serves `id`, and where its key is. */
export const ModelEntry = z
  .strictObject({
    id: z.string().min(1),
    provider: ModelProvider,
    base_url: z.url(),
    /** The provider's model name; defaults to `id`. */
    model: z.string().min(1).optional(),
    /** A team secret holding the key (looked up for the run's team). */
    api_key_secret: z.string().min(1).optional(),
    /** An environment variable of the worker holding the key. */
    api_key_env: z.string().min(1).optional(),
    context_window: z.number().int().positive().optional(),
    input_price_per_mtok: z.number().nonnegative().optional(),
    output_price_per_mtok: z.number().nonnegative().optional(),
    /** Ours: stream responses (SSE); some proxies need it for long generations. Default false. */
    stream: z.boolean().optional(),
  })
  .refine((entry) => !(entry.api_key_secret && entry.api_key_env), {
    message: "set at most one of api_key_secret and api_key_env",
  });
export type ModelEntry = z.infer<typeof ModelEntry>;

/** The models the built-in harness may use, and the one runs without a `model_id` get. */
export class ModelCatalogue {
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(
    readonly models: readonly ModelEntry[],
    readonly defaultModelId: string | undefined = undefined,
    /** Where `api_key_env` keys are read from (the worker's environment). */
    env: Readonly<Record<string, string | undefined>> = {},
  ) {
    this.#env = env;
  }

  find(id: string): ModelEntry | undefined {
    return this.models.find((entry) => entry.id === id);
  }

  /** The value of an `api_key_env` entry's variable, if it is set. */
  keyFromEnv(entry: ModelEntry): string | undefined {
    const value = entry.api_key_env ? this.#env[entry.api_key_env] : undefined;
    return value ? value : undefined;
  }

  /** What `GET /models` shows: everything but the base URL (it may carry credentials) and key values. */
  describe(): ModelInfo[] {
    return this.models.map((entry) => ({
      id: entry.id,
      provider: entry.provider,
      model: entry.model ?? entry.id,
      context_window: entry.context_window,
      input_price_per_mtok: entry.input_price_per_mtok,
      output_price_per_mtok: entry.output_price_per_mtok,
      api_key_secret: entry.api_key_secret,
      api_key_env: entry.api_key_env,
      is_default: entry.id === this.defaultModelId,
    }));
  }
}

/**
 * Reads the catalogue from `OZ_MODELS_FILE` (JSON or YAML) or `OZ_MODELS` (JSON), and `OZ_DEFAULT_MODEL`.
 * Neither set → an empty catalogue. Throws a ConfigError naming the bad entry and field. The settings are passed in
 * (packages/config's `modelCatalogueEnv` in the processes): this package never reads the environment itself.
 */
export function loadModelCatalogue(env: Readonly<Record<string, string | undefined>>): ModelCatalogue {
  const file = env.OZ_MODELS_FILE?.trim();
  const inline = env.OZ_MODELS?.trim();
  if (file && inline)
    throw new ConfigError("invalid configuration:\n  set one of OZ_MODELS_FILE and OZ_MODELS, not both");

  let raw: unknown = [];
  let source = "OZ_MODELS";
  if (file) {
    source = `OZ_MODELS_FILE (${file})`;
    raw = parseText(readText(file, source), source, (text) => parseYaml(text) as unknown);
  } else if (inline) {
    raw = parseText(inline, source, (text) => JSON.parse(text) as unknown);
  }
  const models = parseEntries(raw ?? [], source);

  const defaultModelId = env.OZ_DEFAULT_MODEL?.trim() || undefined;
  if (defaultModelId && !models.some((entry) => entry.id === defaultModelId)) {
    const known = models.map((entry) => entry.id).join(", ") || "none";
    throw new ConfigError(
      `invalid configuration:\n  OZ_DEFAULT_MODEL: "${defaultModelId}" is not in the model catalogue (models: ${known})`,
    );
  }
  return new ModelCatalogue(models, defaultModelId, env);
}

function readText(path: string, source: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${source}: cannot be read: ${(err as Error).message}`);
  }
}

function parseText(text: string, source: string, parse: (text: string) => unknown): unknown {
  try {
    return parse(text);
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${source}: not valid: ${(err as Error).message}`);
  }
}

function parseEntries(raw: unknown, source: string): ModelEntry[] {
  if (!Array.isArray(raw)) throw new ConfigError(`invalid configuration:\n  ${source}: must be a list of models`);
  const problems: string[] = [];
  const models: ModelEntry[] = [];
  raw.forEach((item: unknown, index) => {
    const id = typeof item === "object" && item !== null && "id" in item ? ` (id "${String(item.id)}")` : "";
    const parsed = ModelEntry.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
        problems.push(`  ${source} entry ${index}${id}: ${field}${issue.message}`);
      }
      return;
    }
    if (models.some((entry) => entry.id === parsed.data.id)) {
      problems.push(`  ${source} entry ${index}${id}: duplicate id`);
    }
    models.push(parsed.data);
  });
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  return models;
}

/**
 * Run creation's check (an unknown model is a 400, not a failure later). A server with an empty
 * catalogue does not manage models, so it lets any id through.
 */
export function assertKnownModel(catalogue: ModelCatalogue, modelId: string | undefined): void {
  if (modelId === undefined || catalogue.models.length === 0 || catalogue.find(modelId)) return;
  const known = catalogue.models.map((entry) => entry.id).join(", ");
  throw invalid(
    `config.model_id: "${modelId}" is not a model of this server (models: ${known}; see GET /api/v1/models)`,
  );
}
