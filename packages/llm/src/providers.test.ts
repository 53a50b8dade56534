import { startFakeLlm, type FakeLlm } from "@oz/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ModelEntry } from "./catalogue.ts";
import type { ChatMessage, ToolSpec } from "./conversation.ts";
import { createLlmClient } from "./create-client.ts";
import { LlmAbortedError, LlmProviderError } from "./errors.ts";

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: "sk-test-key" });
});
afterAll(() => fake.close());
beforeEach(() => fake.whenExhausted({ status: 500, errorMessage: "fake-llm: script exhausted" }));

const READ_FILE: ToolSpec = {
  name: "read_file",
  description: "Reads a file",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

const variants = [
  { provider: "openai", stream: false },
  { provider: "openai", stream: true },
  { provider: "anthropic", stream: false },
  { provider: "anthropic", stream: true },
] as const;

function clientFor(provider: "openai" | "anthropic", stream: boolean, apiKey: string | undefined = "sk-test-key") {
  const entry: ModelEntry = {
    id: `test-${provider}`,
    provider,
    base_url: provider === "openai" ? fake.openaiBaseUrl : fake.anthropicBaseUrl,
    model: "fake-model-1",
    stream,
  };
  return createLlmClient(entry, apiKey, { maxRetries: 2 });
}

const ask = (messages: ChatMessage[] = [{ role: "user", content: "hello" }], signal?: AbortSignal) => ({
  model: "fake-model-1",
  system: "You are a test.",
  messages,
  tools: [READ_FILE],
  maxTokens: 512,
  signal,
});

describe.each(variants)("$provider chat (stream: $stream)", ({ provider, stream }) => {
  it("returns the model's text, its tool calls and the token usage", async () => {
    fake.script({
      text: "Let me look.",
      toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }],
      usage: { input_tokens: 1200, output_tokens: 34 },
    });
    const completion = await clientFor(provider, stream).complete(ask());

    expect(completion.message.text).toBe("Let me look.");
    expect(completion.message.toolCalls).toEqual([
      { id: expect.any(String), name: "read_file", arguments: JSON.stringify({ path: "README.md" }) },
    ]);
    expect(completion.usage).toEqual({ input_tokens: 1200, output_tokens: 34 });
    expect(completion.stopReason).toBe("tool_use");

    const sent = fake.requests.at(-1)!;
    expect(sent.format).toBe(provider);
    expect(sent.stream).toBe(stream);
    expect(sent.body.model).toBe("fake-model-1");
  });

  it("sends tool results back in the provider's shape, errors flagged as errors", async () => {
    fake.script({ text: "Done.", stopReason: "end" });
    const completion = await clientFor(provider, stream).complete(
      ask([
        { role: "user", content: "read two files" },
        {
          role: "assistant",
          text: "",
          toolCalls: [
            { id: "call_a", name: "read_file", arguments: '{"path":"a.txt"}' },
            { id: "call_b", name: "read_file", arguments: '{"path":"b.txt"}' },
          ],
        },
        {
          role: "tool",
          results: [
            { callId: "call_a", content: "contents of a", isError: false },
            { callId: "call_b", content: "no such file: b.txt", isError: true },
          ],
        },
      ]),
    );

    expect(completion.stopReason).toBe("end");
    expect(completion.message).toEqual({ text: "Done.", toolCalls: [] });
    expect(fake.requests.at(-1)!.toolResults).toEqual([
      { callId: "call_a", content: "contents of a", isError: false },
      { callId: "call_b", content: expect.stringContaining("no such file: b.txt"), isError: true },
    ]);
  });

  it("passes broken tool-call JSON through for the caller to report", async () => {
    fake.script({ toolCalls: [{ name: "read_file", arguments: '{"path": a.txt}' }] });
    const completion = await clientFor(provider, stream).complete(ask());
    const args = completion.message.toolCalls[0]?.arguments ?? "";
    expect(() => {
      const parsed: unknown = JSON.parse(args);
      if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
    }).toThrow();
  });

  it("retries a 429 and succeeds", async () => {
    fake.script(
      { status: 429, errorMessage: "slow down", headers: { "retry-after-ms": "20" } },
      { text: "Here I am.", stopReason: "end" },
    );
    const before = fake.requests.length;
    const completion = await clientFor(provider, stream).complete(ask());
    expect(completion.message.text).toBe("Here I am.");
    expect(fake.requests.length - before).toBe(2);
  });

  it("gives up on a provider that keeps failing, naming the provider, the model and the status", async () => {
    fake.whenExhausted({ status: 500, errorMessage: "upstream exploded", headers: { "retry-after-ms": "10" } });
    const before = fake.requests.length;
    const error = await clientFor(provider, stream)
      .complete(ask())
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(LlmProviderError);
    expect(error).toMatchObject({ provider, model: "fake-model-1", status: 500, transient: true });
    expect((error as Error).message).toMatch(
      new RegExp(`^${provider} model fake-model-1: HTTP 500: .*upstream exploded`),
    );
    expect(fake.requests.length - before).toBe(3); // the first attempt and two retries
  });

  it("reports a rejected key without retrying it", async () => {
    const before = fake.requests.length;
    const error = await clientFor(provider, stream, "sk-wrong")
      .complete(ask())
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 401, transient: false });
    expect(fake.requests.length - before).toBe(1);
  });

  it("stops at once when aborted mid-request", async () => {
    fake.script({ text: "too late", delayMs: 10_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await clientFor(provider, stream)
      .complete(ask(undefined, controller.signal))
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LlmAbortedError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("wire details", () => {
  it("Anthropic requests carry x-api-key and anthropic-version, and no bearer token", async () => {
    fake.script({ text: "hi" });
    await clientFor("anthropic", false).complete(ask());
    const headers = fake.requests.at(-1)!.headers;
    expect(headers["x-api-key"]).toBe("sk-test-key");
    expect(headers["anthropic-version"]).toEqual(expect.any(String));
    expect(headers.authorization).toBeUndefined();
  });

  it("OpenAI requests carry the key as a bearer token, and a keyless endpoint gets no Authorization header", async () => {
    const keyless = await startFakeLlm();
    try {
      fake.script({ text: "hi" });
      await clientFor("openai", false).complete(ask());
      expect(fake.requests.at(-1)!.headers.authorization).toBe("Bearer sk-test-key");

      keyless.script({ text: "hi" });
      const entry: ModelEntry = { id: "local", provider: "openai", base_url: keyless.openaiBaseUrl };
      await createLlmClient(entry, undefined).complete(ask());
      expect(keyless.requests[0]!.headers.authorization).toBeUndefined();
    } finally {
      await keyless.close();
    }
  });

  it("a response cut off at the token limit says so", async () => {
    fake.script({ text: "Once upon a", stopReason: "max_tokens" }, { text: "Once upon a", stopReason: "max_tokens" });
    expect((await clientFor("openai", false).complete(ask())).stopReason).toBe("max_tokens");
    expect((await clientFor("anthropic", false).complete(ask())).stopReason).toBe("max_tokens");
  });
});
