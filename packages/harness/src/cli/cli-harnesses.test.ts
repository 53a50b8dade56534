import { startFakeLlm, type FakeLlm } from "@oz/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundleNotesServer } from "../oz/test-support/mcp-notes-bundle.ts";
import { containerEnvOf, TEST_IMAGE } from "@oz/sandbox/testing";
import { selectHarness } from "../select-harness.ts";
import type { ChatMessage } from "@oz/llm";
import type { ConversationStore, Harness } from "../port.ts";
import { cliTestRun, FAKE_PROVIDER_KEY, MODELS, type CliTestRunOptions } from "./test-support/cli-run.ts";
import { dockerBridgeGateway, useCliSandboxes } from "./test-support/cli-sandboxes.ts";
import { cliImage } from "./test-support/harness-images.ts";
import { mcpNoteSteps, shellCall, USAGE, writeAndTestSteps, type CliName } from "./test-support/scenarios.ts";

// The real CLIs (installed from npm into oz-test/<cli>:latest by scripts/build-harness-images.sh) run in real
// sandboxes against the fake provider, reached through each CLI's base-URL variable at the Docker bridge.

const sandboxes = useCliSandboxes();
const gateway = dockerBridgeGateway();
let fake: FakeLlm;
beforeEach(async () => {
  fake = await startFakeLlm({ apiKey: FAKE_PROVIDER_KEY, listen: gateway });
});
afterEach(() => fake.close());

const harnessFor = (cli: CliName) => selectHarness(cli) as Harness;
/** A run of `cli` in a fresh sandbox with its image. */
async function runOf(cli: CliName, options: Omit<CliTestRunOptions, "sandbox" | "fake" | "gateway"> = {}) {
  const sandbox = await sandboxes.create(cliImage(cli));
  return { sandbox, ...cliTestRun(cli, { sandbox, fake, gateway, ...options }) };
}
const NOTES_SERVER = "/home/agent/notes-server.mjs";
const E2E_TIMEOUT = 120_000;

describe.each(["claude", "codex", "gemini"] as const)("the %s harness", (cli) => {
  it(
    "runs the real CLI: the model writes a script and runs its test, the run succeeds and every step is shown",
    async () => {
      fake.script(...writeAndTestSteps(cli));
      const run = await runOf(cli);

      const outcome = await harnessFor(cli).run(run.ctx);

      expect(outcome).toMatchObject({ state: "SUCCEEDED", message: "Added greet.sh; its test passes." });
      expect(outcome.usage).toMatchObject({ input_tokens: 3000, output_tokens: 150, total_tokens: 3150 });
      expect((await run.sandbox.readFile("/workspace/greet.sh")).toString()).toBe("echo hello from oz\n");
      const steps = run.events.filter((e) => ["agent_message", "tool_call", "tool_result"].includes(e.type));
      expect(steps.map((e) => e.type)).toEqual([
        "agent_message",
        "tool_call",
        "tool_result",
        "tool_call",
        "tool_result",
        "agent_message",
      ]);
      expect(run.eventsOf("tool_result")[1]!.output).toContain("TEST PASSED");
      expect(run.eventsOf("usage").at(-1)).toMatchObject({ input_tokens: 3000, output_tokens: 150 });
      expect(run.eventsOf("harness").at(-1)).toEqual({ message: `${cli} exited with code 0`, exit_code: 0 });

      // The run's model reached the provider, with the harness's key, which only the CLI's process had.
      expect(JSON.stringify(fake.requests[0]!.body.model ?? fake.requests[0]!.path)).toContain(MODELS[cli]);
      expect((await containerEnvOf(run.sandbox)).join("\n")).not.toContain(FAKE_PROVIDER_KEY);
      expect(JSON.stringify(run.events)).not.toContain(FAKE_PROVIDER_KEY);
    },
    E2E_TIMEOUT,
  );

  it(
    "fails the run with external_authentication_required when the provider rejects the key",
    async () => {
      const run = await runOf(cli, {
        secrets: { AGENT_KEY: "sk-not-the-right-key" },
        env: { CLAUDE_CODE_MAX_RETRIES: "0" },
      });

      const outcome = await harnessFor(cli).run(run.ctx);

      expect(outcome.state).toBe("FAILED");
      expect(outcome.errorCode).toBe("external_authentication_required");
      expect(outcome.message).toContain(`harness_auth_secrets.${cli}_auth_secret_name`);
      expect(outcome.message).not.toContain("sk-not-the-right-key");
    },
    E2E_TIMEOUT,
  );

  it(
    "hands the run's MCP servers to the CLI in its own format: the model calls the notes server's tool",
    async () => {
      fake.script(...mcpNoteSteps());
      const run = await runOf(cli, {
        prompt: "Save a note: remember the milk.",
        config: { mcp_servers: { notes: { command: "node", args: [NOTES_SERVER] } } },
      });
      await run.sandbox.writeFile(NOTES_SERVER, await bundleNotesServer());

      const outcome = await harnessFor(cli).run(run.ctx);

      expect(outcome).toMatchObject({
        state: "SUCCEEDED",
        message: "The notes server said: saved note 1: remember the milk",
      });
      const call = run.eventsOf("tool_call").find((c) => c.name.includes("add_note"));
      expect(call?.arguments).toEqual({ text: "remember the milk" });
    },
    E2E_TIMEOUT,
  );

  it(
    "fails the run with environment_setup_failed naming an MCP server that does not start",
    async () => {
      fake.whenExhausted({ text: "Hello.", usage: USAGE });
      const run = await runOf(cli, {
        prompt: "Say hello.",
        config: { mcp_servers: { broken: { command: "node", args: ["/nonexistent/server.js"] } } },
      });

      const outcome = await harnessFor(cli).run(run.ctx);

      expect(outcome.state).toBe("FAILED");
      expect(outcome.errorCode).toBe("environment_setup_failed");
      expect(outcome.message).toMatch(/^MCP server "broken" failed to start/);
    },
    E2E_TIMEOUT,
  );

  it(
    "continues the run's conversation in a follow-up's new execution, though the CLI itself starts fresh",
    async () => {
      const saved: ChatMessage[][] = [];
      const conversation: ConversationStore = {
        load: async () => saved.at(-1) ?? [],
        save: async (messages) => void saved.push([...messages]),
      };
      fake.script(
        { text: "Noted: the word is lighthouse.", usage: USAGE },
        { text: "It was lighthouse.", usage: USAGE },
      );
      const first = await runOf(cli, { prompt: "Remember the word lighthouse.", conversation });
      expect(await harnessFor(cli).run(first.ctx)).toMatchObject({ state: "SUCCEEDED" });

      const followup = await runOf(cli, { prompt: "Which word did I ask you to remember?", conversation });
      expect(await harnessFor(cli).run(followup.ctx)).toMatchObject({
        state: "SUCCEEDED",
        message: "It was lighthouse.",
      });
      const second = JSON.stringify(fake.requests.at(-1)!.body);
      expect(second).toContain("Remember the word lighthouse.");
      expect(second).toContain("Noted: the word is lighthouse.");
      expect(saved.at(-1)!.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    },
    E2E_TIMEOUT,
  );

  it(
    "gives the CLI the run's base_prompt as instructions of its own",
    async () => {
      fake.script({ text: "Done.", usage: USAGE });
      const run = await runOf(cli, {
        prompt: "Say hello.",
        config: { base_prompt: "Always answer in the voice of a lighthouse keeper." },
      });

      expect(await harnessFor(cli).run(run.ctx)).toMatchObject({ state: "SUCCEEDED", message: "Done." });
      expect(JSON.stringify(fake.requests[0]!.body)).toContain("Always answer in the voice of a lighthouse keeper.");
    },
    E2E_TIMEOUT,
  );
});

describe("a third-party harness run", () => {
  it(
    "redacts secret values from what the agent's tools print, the harness's own key included",
    async () => {
      fake.script(
        { toolCalls: [shellCall("claude", 'echo "token=$DEPLOY_TOKEN key=$ANTHROPIC_API_KEY"')], usage: USAGE },
        { text: "Printed them.", usage: USAGE },
      );
      const run = await runOf("claude", {
        secrets: { DEPLOY_TOKEN: "tok-3c1d9e7f" },
        env: { DEPLOY_TOKEN: "tok-3c1d9e7f" },
      });

      expect(await harnessFor("claude").run(run.ctx)).toMatchObject({ state: "SUCCEEDED" });
      expect(run.eventsOf("tool_result")[0]!.output).toBe("token=[REDACTED:DEPLOY_TOKEN] key=[REDACTED:AGENT_KEY]");
      expect(fake.requests[1]!.toolResults[0]!.content).toContain("tok-3c1d9e7f"); // the model itself saw it
    },
    E2E_TIMEOUT,
  );

  it(
    "ends ERROR agent_process_failed when the CLI is killed before it reports a result",
    async () => {
      fake.script({ text: "Too late.", usage: USAGE, delayMs: 30_000 });
      const run = await runOf("claude");
      const outcome = harnessFor("claude").run(run.ctx);
      while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));

      await run.sandbox.exec(
        'for p in /proc/[0-9]*; do [ "$(cat "$p/comm" 2>/dev/null)" = claude ] && kill -9 "${p#/proc/}"; done',
      );

      expect(await outcome).toMatchObject({
        state: "ERROR",
        errorCode: "agent_process_failed",
        message: expect.stringMatching(/^Claude Code was killed by signal 9 without reporting a result/),
      });
    },
    E2E_TIMEOUT,
  );

  it(
    "stops the CLI at once when the run is cancelled",
    async () => {
      fake.script({ text: "Too late.", usage: USAGE, delayMs: 30_000 });
      const run = await runOf("claude");
      const outcome = harnessFor("claude").run(run.ctx);
      while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const cancelledAt = Date.now();

      run.controller.abort();

      expect(await outcome).toMatchObject({ state: "ERROR", message: "The agent was stopped." });
      expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    },
    E2E_TIMEOUT,
  );

  it("fails environment_setup_failed when the environment's image has no such CLI", async () => {
    const run = cliTestRun("codex", { sandbox: await sandboxes.create(TEST_IMAGE), fake, gateway });

    expect(await harnessFor("codex").run(run.ctx)).toEqual({
      state: "FAILED",
      errorCode: "environment_setup_failed",
      message:
        "The sandbox image has no `codex` command: install @openai/codex in the environment's image (npm install -g @openai/codex).",
    });
  });

  it("fails external_authentication_required when the harness's auth secret does not exist", async () => {
    const run = cliTestRun("gemini", {
      sandbox: await sandboxes.create(TEST_IMAGE),
      fake,
      gateway,
      config: { harness_auth_secrets: { gemini_auth_secret_name: "NO_SUCH_SECRET" } },
    });

    expect(await harnessFor("gemini").run(run.ctx)).toEqual({
      state: "FAILED",
      errorCode: "external_authentication_required",
      message:
        'The Gemini CLI key (team secret "NO_SUCH_SECRET", named by harness_auth_secrets.gemini_auth_secret_name) could not be loaded: secret NO_SUCH_SECRET does not exist',
    });
  });
});
