import { loadModelCatalogue } from "@oz/llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createAgent } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

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
  [server, bare] = await Promise.all([startTestServer({ models: catalogue }), startTestServer()]);
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
    expectProblem(res, 400, "invalid_request", /"gpt-9" is not a model of this server \(models: sonnet, qwen/);
  });

  it("refuses an executing agent's unknown base model just the same", async () => {
    const agent = await createAgent(server.database.db, server.team.teamId, { baseModel: "retired-model" });
    const key = await agentKey(server.database.db, server.team.teamId, agent.id);
    expectProblem(await createRun({ prompt: "hi" }, key), 400, "invalid_request", /"retired-model"/);
  });

  it("leaves model_id alone for third-party harnesses and on a server without models", async () => {
    const claude = await createRun({ prompt: "hi", config: { model_id: "gpt-9", harness: { type: "claude" } } });
    expect(claude.status).toBe(200);
    const res = await call(bare, "POST", "/agent/runs", {
      key: bare.team.apiKey,
      body: { prompt: "hi", config: { model_id: "gpt-9" } },
    });
    expect(res.status).toBe(200);
  });
});
