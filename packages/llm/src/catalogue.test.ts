import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiError } from "@oz/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertKnownModel, loadModelCatalogue } from "./catalogue.ts";
import { inferenceUsage } from "./inference-cost.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "oz-models-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sonnet = {
  id: "sonnet",
  provider: "anthropic",
  base_url: "https://api.anthropic.com",
  model: "claude-sonnet-4-5",
  api_key_secret: "ANTHROPIC_KEY",
  context_window: 200000,
  input_price_per_mtok: 3,
  output_price_per_mtok: 15,
};
const local = { id: "qwen", provider: "openai", base_url: "http://127.0.0.1:11434/v1", api_key_env: "OLLAMA_KEY" };

describe("the model catalogue", () => {
  it("is empty when nothing is configured", () => {
    const catalogue = loadModelCatalogue({});
    expect(catalogue.models).toEqual([]);
    expect(catalogue.defaultModelId).toBeUndefined();
  });

  it("reads OZ_MODELS as JSON, with OZ_DEFAULT_MODEL", () => {
    const catalogue = loadModelCatalogue({ OZ_MODELS: JSON.stringify([sonnet, local]), OZ_DEFAULT_MODEL: "qwen" });
    expect(catalogue.models.map((m) => m.id)).toEqual(["sonnet", "qwen"]);
    expect(catalogue.defaultModelId).toBe("qwen");
    expect(catalogue.find("sonnet")?.model).toBe("claude-sonnet-4-5");
  });

  it("reads OZ_MODELS_FILE as YAML or JSON", async () => {
    const yamlFile = join(dir, "models.yaml");
    await writeFile(
      yamlFile,
      [
        "- id: sonnet",
        "  provider: anthropic",
        "  base_url: https://api.anthropic.com",
        "  api_key_env: ANTHROPIC_API_KEY",
        "  input_price_per_mtok: 3",
      ].join("\n"),
    );
    const jsonFile = join(dir, "models.json");
    await writeFile(jsonFile, JSON.stringify([local]));

    expect(loadModelCatalogue({ OZ_MODELS_FILE: yamlFile }).find("sonnet")).toMatchObject({ input_price_per_mtok: 3 });
    expect(loadModelCatalogue({ OZ_MODELS_FILE: jsonFile }).find("qwen")?.provider).toBe("openai");
  });

  it("names the bad entry and the bad field", () => {
    const broken = [sonnet, { ...local, provider: "bedrock" }, { id: "x", provider: "openai", base_url: "not a url" }];
    expect(() => loadModelCatalogue({ OZ_MODELS: JSON.stringify(broken) })).toThrow(
      /OZ_MODELS entry 1 \(id "qwen"\): provider: .*\n.*OZ_MODELS entry 2 \(id "x"\): base_url: /,
    );
  });

  it("refuses typos, two key sources, duplicate ids, a default it does not list, and both variables", () => {
    const load =
      (models: unknown[], extra: Record<string, string> = {}) =>
      () =>
        loadModelCatalogue({ OZ_MODELS: JSON.stringify(models), ...extra });
    expect(load([{ ...local, apikey_env: "X" }])).toThrow(/entry 0 \(id "qwen"\): .*apikey_env/);
    expect(load([{ ...sonnet, api_key_env: "X" }])).toThrow(/at most one of api_key_secret and api_key_env/);
    expect(load([local, local])).toThrow(/entry 1 \(id "qwen"\): duplicate id/);
    expect(load([local], { OZ_DEFAULT_MODEL: "gpt-9" })).toThrow(
      /OZ_DEFAULT_MODEL: "gpt-9" is not in the model catalogue/,
    );
    expect(load([local], { OZ_MODELS_FILE: "/x.yaml" })).toThrow(/one of OZ_MODELS_FILE and OZ_MODELS/);
    expect(() => loadModelCatalogue({ OZ_MODELS: "[{" })).toThrow(/OZ_MODELS: not valid/);
    expect(() => loadModelCatalogue({ OZ_MODELS: "{}" })).toThrow(/must be a list of models/);
    expect(() => loadModelCatalogue({ OZ_MODELS_FILE: join(dir, "missing.yaml") })).toThrow(/cannot be read/);
  });

  it("reads an api_key_env key from the environment it was loaded from, and never lists key values", () => {
    const catalogue = loadModelCatalogue({ OZ_MODELS: JSON.stringify([sonnet, local]), OLLAMA_KEY: "ollama-secret" });
    expect(catalogue.keyFromEnv(catalogue.find("qwen")!)).toBe("ollama-secret");
    const listed = JSON.stringify(catalogue.describe());
    expect(listed).not.toContain("ollama-secret");
    expect(listed).not.toContain("base_url");
    expect(catalogue.describe()[0]).toEqual({
      id: "sonnet",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      context_window: 200000,
      input_price_per_mtok: 3,
      output_price_per_mtok: 15,
      api_key_secret: "ANTHROPIC_KEY",
      api_key_env: undefined,
      is_default: false,
    });
  });

  it("rejects an unknown model_id as invalid_request, and lets anything through when it manages no models", () => {
    const catalogue = loadModelCatalogue({ OZ_MODELS: JSON.stringify([sonnet, local]) });
    expect(() => assertKnownModel(catalogue, "sonnet")).not.toThrow();
    expect(() => assertKnownModel(catalogue, undefined)).not.toThrow();
    const error = (() => {
      try {
        assertKnownModel(catalogue, "gpt-9");
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "invalid_request", status: 400 });
    expect((error as Error).message).toMatch(/"gpt-9" is not a model of this server \(models: sonnet, qwen/);
    expect(() => assertKnownModel(loadModelCatalogue({}), "anything")).not.toThrow();
  });
});

describe("inference cost", () => {
  it("prices tokens per million, credits equal to dollars", () => {
    expect(
      inferenceUsage({ ...sonnet, provider: "anthropic" }, { input_tokens: 12_000, output_tokens: 1_500 }),
    ).toEqual({
      input_tokens: 12_000,
      output_tokens: 1_500,
      total_tokens: 13_500,
      inference_cost: 0.0585,
      inference_cost_usd: 0.0585,
      inference_cost_breakdown_usd: {
        input_cost_usd: 0.036,
        input_cache_read_cost_usd: 0,
        input_cache_write_cost_usd: 0,
        output_cost_usd: 0.0225,
      },
    });
  });

  it("reports only token counts for a model without prices", () => {
    expect(inferenceUsage({ ...local, provider: "openai" }, { input_tokens: 10, output_tokens: 5 })).toEqual({
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
    });
  });
});
