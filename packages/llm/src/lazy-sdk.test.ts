import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const INDEX = new URL("./index.ts", import.meta.url).href;

/** The provider SDK modules a fresh node process has loaded after running `code` (given `llm`, this package). */
async function sdkModulesLoadedBy(code: string): Promise<string[]> {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
    const llm = await import(${JSON.stringify(INDEX)});
    ${code}
    console.log(JSON.stringify(loaded.filter((url) => /\\/node_modules\\/(openai|@anthropic-ai\\/sdk)\\//.test(url))));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--experimental-transform-types",
    "--disable-warning=ExperimentalWarning",
    "--input-type=module",
    "--eval",
    script,
  ]);
  return JSON.parse(stdout) as string[];
}

// The API imports this package for the model catalogue only; the SDKs cost ~15 MB of heap.
describe("the provider SDKs", () => {
  it("are not loaded by importing the package, reading the catalogue or making a client", async () => {
    const loaded = await sdkModulesLoadedBy(`
      llm.loadModelCatalogue({});
      llm.createLlmClient({ id: "a", provider: "anthropic", base_url: "http://127.0.0.1:9" }, undefined);
      llm.createLlmClient({ id: "o", provider: "openai", base_url: "http://127.0.0.1:9" }, undefined);
    `);
    expect(loaded).toEqual([]);
  });

  it("are loaded by a client's first completion, only its own provider's", async () => {
    const loaded = await sdkModulesLoadedBy(`
      const client = llm.createLlmClient({ id: "o", provider: "openai", base_url: "http://127.0.0.1:9" }, undefined, { maxRetries: 0 });
      await client.complete({ model: "m", system: "", messages: [], tools: [], maxTokens: 1 }).catch(() => {});
    `);
    expect(loaded.some((url) => url.includes("/openai/"))).toBe(true);
    expect(loaded.some((url) => url.includes("/@anthropic-ai/"))).toBe(false);
  });
});
