import type { AmbientAgentConfig, NewRunEvent, RunEventPayload, RunEventType } from "@oz/contract";
import { EgressPolicy } from "@oz/egress";
import { createOutputBuffer } from "@oz/events";
import { ModelCatalogue, ModelEntry } from "@oz/llm";
import type { Sandbox } from "@oz/sandbox";
import { redactSecrets } from "@oz/secrets";
import type { FakeLlm } from "@oz/testing";
import type { HarnessContext } from "../../port.ts";

export interface TestRun {
  ctx: HarnessContext;
  /** Every event the harness emitted, in order. */
  events: NewRunEvent[];
  /** The payloads of the emitted events of one type. */
  eventsOf<T extends RunEventType>(type: T): RunEventPayload<T>[];
  controller: AbortController;
}

export interface TestRunOptions {
  sandbox: Sandbox;
  fake: FakeLlm;
  provider?: "openai" | "anthropic";
  stream?: boolean;
  prompt?: string;
  config?: AmbientAgentConfig;
  /** The team's secrets, by name: model keys come from here, and their values are redacted from events. */
  secrets?: Record<string, string>;
  model?: Partial<ModelEntry>;
  overrides?: Partial<HarnessContext>;
}

/** A harness context the way the worker builds one, with the catalogue pointing at the fake provider. */
export function testRun(options: TestRunOptions): TestRun {
  const provider = options.provider ?? "openai";
  const secrets = options.secrets ?? { LLM_KEY: "sk-test-key" };
  const entry = ModelEntry.parse({
    id: "test-model",
    provider,
    base_url: provider === "openai" ? options.fake.openaiBaseUrl : options.fake.anthropicBaseUrl,
    model: "fake-model-1",
    api_key_secret: "LLM_KEY",
    input_price_per_mtok: 3,
    output_price_per_mtok: 15,
    stream: options.stream ?? false,
    ...options.model,
  });
  const events: NewRunEvent[] = [];
  const emit = async (batch: NewRunEvent[]) => void events.push(...batch);
  const controller = new AbortController();
  const ctx: HarnessContext = {
    run: {
      id: "run-1",
      prompt: options.prompt ?? "Do the task.",
      config: { harness: { type: "oz" }, ...options.config },
    },
    sandbox: options.sandbox,
    cwd: "/workspace",
    env: {},
    emit,
    output: () => createOutputBuffer({ emit }),
    signal: controller.signal,
    redact: (text) => redactSecrets(text, secrets),
    models: new ModelCatalogue([entry], entry.id),
    // The tests' url servers listen on this machine's loopback, allow-listed as an operator would.
    egress: new EgressPolicy(["127.0.0.1/32"]),
    resolveSecret: async (name) => {
      const value = secrets[name];
      if (value === undefined) throw new Error(`secret ${name} does not exist`);
      return value;
    },
    ...options.overrides,
  };
  const eventsOf = <T extends RunEventType>(type: T) =>
    events.filter((event) => event.type === type).map((event) => event.payload as RunEventPayload<T>);
  return { ctx, events, eventsOf, controller };
}
