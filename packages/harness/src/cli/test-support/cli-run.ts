import type { AmbientAgentConfig } from "@oz/contract";
import type { Sandbox } from "@oz/sandbox";
import type { FakeLlm } from "@oz/testing";
import { claudeAgent } from "../../claude/claude-agent.ts";
import { codexAgent } from "../../codex/codex-agent.ts";
import { geminiAgent } from "../../gemini/gemini-agent.ts";
import { testRun, type TestRun } from "../../oz/test-support/run-context.ts";
import type { ConversationStore } from "../../port.ts";
import type { CliAgent } from "../cli-agent.ts";
import type { CliName } from "./scenarios.ts";

export const AGENTS: Record<CliName, CliAgent> = { claude: claudeAgent, codex: codexAgent, gemini: geminiAgent };

/** The key the fake provider accepts; the team secret AGENT_KEY holds it. */
export const FAKE_PROVIDER_KEY = "sk-fake-provider-key-7f3a9c";

/** Real model names, so that each CLI knows the model (its tools, its prices) as it would in production. */
export const MODELS: Record<CliName, string> = {
  claude: "claude-sonnet-4-5",
  codex: "gpt-5-codex",
  gemini: "gemini-2.5-flash",
};

/** The variable that points each CLI at the fake provider, as an environment would point it at a gateway. */
export function baseUrlEnv(cli: CliName, fake: FakeLlm, gateway: string): Record<string, string> {
  const url = `http://${gateway}:${fake.port}`;
  switch (cli) {
    case "claude":
      return { ANTHROPIC_BASE_URL: url };
    case "codex":
      return { OPENAI_BASE_URL: `${url}/v1` };
    case "gemini":
      return { GOOGLE_GEMINI_BASE_URL: url };
  }
}

export interface CliTestRunOptions {
  sandbox: Sandbox;
  fake: FakeLlm;
  gateway: string;
  prompt?: string;
  config?: AmbientAgentConfig;
  /** The team's secrets; AGENT_KEY (the harness's auth secret) holds the fake's key unless replaced here. */
  secrets?: Record<string, string>;
  /** Variables on top of the base URL one. */
  env?: Record<string, string>;
  /** The run's conversation across executions (follow-ups). */
  conversation?: ConversationStore;
}

/** A harness context the way the worker builds one, for a run of `cli` against the fake provider. */
export function cliTestRun(cli: CliName, options: CliTestRunOptions): TestRun {
  return testRun({
    sandbox: options.sandbox,
    fake: options.fake,
    prompt: options.prompt ?? "Add a greeting script and test it.",
    config: {
      harness: { type: cli, model_id: MODELS[cli] },
      harness_auth_secrets: { [`${cli}_auth_secret_name`]: "AGENT_KEY" },
      ...options.config,
    },
    secrets: { AGENT_KEY: FAKE_PROVIDER_KEY, ...options.secrets },
    overrides: {
      env: { ...baseUrlEnv(cli, options.fake, options.gateway), ...options.env },
      ...(options.conversation && { conversation: options.conversation }),
    },
  });
}
