import { loadModelCatalogue } from "@oz/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createAgent } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";
import { ModelCatalogue } from "@oz/llm";

const catalogue = loadModelCatalogue({
  OZ_MODELS: JSON.stringify([
    {
      id: "sonnet",
      provider: "anthropic",
      base_url: "https://user:pass@llm-proxy.internal",
      model: "claude-sonnet-4-5",
      api_key_secret: "ANTHROPIC_KEY",
      context_window: 200_000,
      input_price_per_mtok: 3,
      output_price_per_mtok: 15,
    },
    { id: "qwen", provider: "openai", base_url: "http://ollama:11434/v1", api_key_env: "OLLAMA_KEY" },
  ]),
  OZ_DEFAULT_MODEL: "qwen",
  OLLAMA_KEY: "ollama-key-value",
});

let server: TestServer;
let bare: TestServer;
beforeAll(async () => {
  [server, bare] = await Promise.all([
    startTestServer({ models: catalogue }),
    startTestServer({ models: new ModelCatalogue([]) }),
  ]);
});
afterAll(() => Promise.all([server.close(), bare.close()]));

const createRun = (body: unknown, key = server.team.apiKey) => call(server, "POST", "/agent/runs", { key, body });

describe("GET /models", () => {
  it("lists the catalogue with the default marked, and never a key value or an endpoint", async () => {
    const res = await call(server, "GET", "/models", { key: server.team.apiKey });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      default_model_id: "qwen",
      models: [
        {
          id: "sonnet",
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          context_window: 200_000,
          input_price_per_mtok: 3,
          output_price_per_mtok: 15,
          api_key_secret: "ANTHROPIC_KEY",
          is_default: false,
        },
        { id: "qwen", provider: "openai", model: "qwen", api_key_env: "OLLAMA_KEY", is_default: true },
      ],
    });
    expect(res.text).not.toContain("ollama-key-value");
    expect(res.text).not.toContain("llm-proxy");
  });

  it("needs an API key, and is empty on a server without models", async () => {
    expectProblem(await call(server, "GET", "/models", { key: null }), 401, "authentication_required");
    const res = await call(bare, "GET", "/models", { key: bare.team.apiKey });
    expect(res.json).toEqual({ models: [] });
  });
});

describe("creating a run with a model_id", () => {
  it("accepts a model of the catalogue, and a run without one (the default applies later)", async () => {
    expect((await createRun({ prompt: "hi", config: { model_id: "sonnet" } })).status).toBe(200);
    expect((await createRun({ prompt: "hi" })).status).toBe(200);
  });

  it("refuses an unknown model with 400 invalid_request naming it and the known ones", async () => {
    const res = await createRun({ prompt: "hi", config: { model_id: "gpt-9" } });
    expectProblem(
      res,
      400,
      "invalid_request",
      /^config\.model_id: "gpt-9" is not a model of this server \(models: sonnet, qwen/,
    );
  });

  it("refuses an executing agent's unknown base model just the same", async () => {
    const agent = await createAgent(server.database.db, server.team.teamId, { baseModel: "retired-model" });
    const key = await agentKey(server.database.db, server.team.teamId, agent.id);
    expectProblem(await createRun({ prompt: "hi" }, key), 400, "invalid_request", /"retired-model"/);
  });

  it("leaves model_id alone for third-party harnesses, on any server", async () => {
    const claude = await createRun({ prompt: "hi", config: { model_id: "gpt-9", harness: { type: "claude" } } });
    expect(claude.status).toBe(200);
    const onBare = await call(bare, "POST", "/agent/runs", {
      key: bare.team.apiKey,
      body: { prompt: "hi", config: { model_id: "gpt-9", harness: { type: "claude" } } },
    });
    expect(onBare.status).toBe(200);
  });
});

describe("a server without models", () => {
  const createBareRun = (body: unknown) => call(bare, "POST", "/agent/runs", { key: bare.team.apiKey, body });

  it("refuses a run of the built-in harness at once, saying how to configure models or use the command harness", async () => {
    const listRuns = async () => (await call(bare, "GET", "/agent/runs", { key: bare.team.apiKey })).json.runs;
    const before = await listRuns();
    for (const config of [undefined, { model_id: "gpt-9" }, { harness: { type: "oz" } }]) {
      const res = await createBareRun({ prompt: "hi", ...(config && { config }) });
      const problem = expectProblem(res, 400, "invalid_request", /^config\.harness: /);
      expect(problem.detail).toMatch(/OZ_MODELS_FILE or OZ_MODELS/);
      expect(problem.detail).toMatch(/command harness/);
    }
    expect(await listRuns()).toEqual(before);
  });

  it("still runs commands", async () => {
    const res = await createBareRun({ prompt: "hi", config: { harness: { type: "command", command: "true" } } });
    expect(res.status).toBe(200);
  });
});
