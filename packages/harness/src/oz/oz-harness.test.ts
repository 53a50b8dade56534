import { startFakeLlm, type FakeLlm, type FakeLlmRequest } from "@oz/testing";
import { useTestSandboxes } from "@oz/sandbox/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ozHarness } from "./oz-harness.ts";
import { testRun } from "./test-support/run-context.ts";
import { OZ_SANDBOX } from "./test-support/oz-sandbox.ts";

const sandboxes = useTestSandboxes(OZ_SANDBOX);
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: "sk-test-key" });
});
afterAll(() => fake.close());
beforeEach(() => fake.whenExhausted({ status: 500, errorMessage: "fake-llm: script exhausted" }));

const USAGE = { input_tokens: 1_000, output_tokens: 50 };
const finish = (summary: string) => ({ toolCalls: [{ name: "finish", arguments: { summary } }], usage: USAGE });
/** The text the client sent back for the previous turn's first tool call. */
const lastResult = (request: FakeLlmRequest) => request.toolResults[0]?.content ?? "(no tool result)";

describe.each([
  { provider: "openai", stream: false },
  { provider: "openai", stream: true },
  { provider: "anthropic", stream: false },
  { provider: "anthropic", stream: true },
] as const)("the oz agent over $provider (stream: $stream)", ({ provider, stream }) => {
  it("creates a file, runs its test in the sandbox, finishes, and records every step and the cost", async () => {
    const sandbox = await sandboxes.create();
    fake.script(
      {
        text: "I'll add the greeting script first.",
        toolCalls: [{ name: "write_file", arguments: { path: "greet.sh", content: "echo hello from oz\n" } }],
        usage: USAGE,
      },
      {
        toolCalls: [
          { name: "run_shell", arguments: { command: "sh greet.sh | grep -q 'hello from oz' && echo TEST PASSED" } },
        ],
        usage: USAGE,
      },
      (request) =>
        lastResult(request).includes("TEST PASSED")
          ? finish("Added greet.sh; its test passes.")
          : { text: `the test did not pass: ${lastResult(request)}`, usage: USAGE },
    );
    const run = testRun({
      sandbox,
      fake,
      provider,
      stream,
      prompt: "Add a greeting script and test it.",
      config: { base_prompt: "Always write POSIX shell." },
    });

    const outcome = await ozHarness.run(run.ctx);

    expect(outcome).toMatchObject({ state: "SUCCEEDED", message: "Added greet.sh; its test passes." });
    expect((await sandbox.readFile("/workspace/greet.sh")).toString()).toBe("echo hello from oz\n");
    expect(
      run.events.map((e) =>
        e.type === "tool_call" || e.type === "tool_result" ? `${e.type}:${e.payload.name}` : e.type,
      ),
    ).toEqual([
      "harness",
      "agent_message",
      "tool_call:write_file",
      "usage",
      "tool_result:write_file",
      "tool_call:run_shell",
      "usage",
      "tool_result:run_shell",
      "tool_call:finish",
      "usage",
    ]);
    expect(run.eventsOf("agent_message")[0]).toEqual({ text: "I'll add the greeting script first.", turn: 1 });
    expect(run.eventsOf("tool_call")[0]).toMatchObject({
      arguments: { path: "greet.sh", content: "echo hello from oz\n" },
      turn: 1,
    });
    expect(run.eventsOf("tool_result")[1]).toMatchObject({ is_error: false, output: "TEST PASSED\n[exit code 0]" });
    expect(outcome.usage).toEqual({
      input_tokens: 3_000,
      output_tokens: 150,
      total_tokens: 3_150,
      inference_cost: 0.01125,
      inference_cost_usd: 0.01125,
      inference_cost_breakdown_usd: {
        input_cost_usd: 0.009,
        input_cache_read_cost_usd: 0,
        input_cache_write_cost_usd: 0,
        output_cost_usd: 0.00225,
      },
    });

    const first = fake.requests.at(-3)!;
    const system =
      provider === "openai" ? (first.body.messages as { content: string }[])[0]!.content : String(first.body.system);
    expect(system).toContain("Always write POSIX shell.");
    expect(JSON.stringify(first.body.messages)).toContain("Add a greeting script and test it.");
    expect(first.stream).toBe(stream);
  });
});

describe("the oz agent", () => {
  it("tells the model about broken tool calls and carries on", async () => {
    const sandbox = await sandboxes.create();
    const seen: string[] = [];
    fake.script(
      { toolCalls: [{ name: "run_shell", arguments: '{"command": "ls' }] },
      (request) => {
        seen.push(lastResult(request));
        return { toolCalls: [{ name: "delete_everything", arguments: {} }] };
      },
      (request) => {
        seen.push(lastResult(request));
        return { toolCalls: [{ name: "run_shell", arguments: { cmd: "ls" } }] };
      },
      (request) => {
        seen.push(lastResult(request));
        return finish("Recovered from my mistakes.");
      },
    );
    const run = testRun({ sandbox, fake });

    const outcome = await ozHarness.run(run.ctx);

    expect(outcome).toMatchObject({ state: "SUCCEEDED", message: "Recovered from my mistakes." });
    expect(seen[0]).toMatch(/the arguments of run_shell are not valid JSON .*call it again with a JSON object/);
    expect(seen[1]).toMatch(
      /there is no tool named "delete_everything"; the tools are: run_shell, read_file, write_file, edit_file, list_directory, finish/,
    );
    expect(seen[2]).toMatch(/invalid arguments for run_shell: command: /);
    expect(run.eventsOf("tool_result").map((r) => r.is_error)).toEqual([true, true, true]);
    expect(run.eventsOf("tool_call")[0]!.arguments).toBe('{"command": "ls');
  });

  it("reports a failing tool to the model as an error, and a failed command by its exit code", async () => {
    const sandbox = await sandboxes.create();
    fake.script(
      { toolCalls: [{ name: "read_file", arguments: { path: "missing.txt" } }] },
      { toolCalls: [{ name: "run_shell", arguments: { command: "echo oops >&2; exit 3" } }] },
      {
        toolCalls: [
          { name: "edit_file", arguments: { path: "/etc/passwd", old_string: "no such text", new_string: "x" } },
        ],
      },
      finish("Done."),
    );
    const run = testRun({ sandbox, fake });

    await ozHarness.run(run.ctx);

    expect(run.eventsOf("tool_result")).toMatchObject([
      { name: "read_file", is_error: true, output: "no such file: /workspace/missing.txt" },
      { name: "run_shell", is_error: false, output: "oops\n[exit code 3]" },
      { name: "edit_file", is_error: true, output: expect.stringMatching(/old_string was not found in \/etc\/passwd/) },
    ]);
    expect(fake.requests.at(-1)!.toolResults[0]).toMatchObject({ isError: true });
  });

  it("edits files, lists directories and caps long command output", async () => {
    const sandbox = await sandboxes.create();
    await sandbox.writeFile("/workspace/src/app.txt", "version = 1\nname = app\n");
    fake.script(
      {
        toolCalls: [
          {
            name: "edit_file",
            arguments: { path: "src/app.txt", old_string: "version = 1", new_string: "version = 2" },
          },
        ],
      },
      { toolCalls: [{ name: "list_directory", arguments: {} }] },
      { toolCalls: [{ name: "list_directory", arguments: { path: "src", recursive: true } }] },
      {
        toolCalls: [
          {
            name: "run_shell",
            arguments: { command: "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done" },
          },
        ],
      },
      finish("Done."),
    );
    const run = testRun({ sandbox, fake });

    await ozHarness.run(run.ctx);

    expect((await sandbox.readFile("/workspace/src/app.txt")).toString()).toBe("version = 2\nname = app\n");
    const [edit, list, tree, shell] = run.eventsOf("tool_result");
    expect(edit!.output).toBe("Replaced 1 occurrence in src/app.txt.");
    expect(list!.output).toBe("src/");
    expect(tree!.output).toBe("./app.txt");
    expect(shell!.output.length).toBeLessThan(17 * 1024);
    expect(shell!.output).toMatch(/^line 0\n/);
    expect(shell!.output).toMatch(/characters omitted/);
    expect(shell!.output).toMatch(/line 2999\n\[exit code 0\]$/);
  });

  it("never emits a secret, though the model may see it", async () => {
    const sandbox = await sandboxes.create();
    fake.script(
      { toolCalls: [{ name: "run_shell", arguments: { command: "echo token=$DEPLOY_TOKEN" } }] },
      (request) => ({
        text: `I saw ${lastResult(request)}`,
        toolCalls: [{ name: "finish", arguments: { summary: "ok" } }],
      }),
    );
    const run = testRun({
      sandbox,
      fake,
      secrets: { LLM_KEY: "sk-test-key", DEPLOY_TOKEN: "tok-0123456789" },
      overrides: { env: { DEPLOY_TOKEN: "tok-0123456789" } },
    });

    await ozHarness.run(run.ctx);

    expect(fake.requests.at(-1)!.toolResults[0]!.content).toContain("token=tok-0123456789");
    expect(JSON.stringify(run.events)).not.toContain("tok-0123456789");
    expect(run.eventsOf("tool_result")[0]!.output).toContain("token=[REDACTED:DEPLOY_TOKEN]");
    expect(run.eventsOf("agent_message")[0]!.text).toContain("[REDACTED:DEPLOY_TOKEN]");
  });

  it("retries a rate-limited provider and succeeds", async () => {
    const sandbox = await sandboxes.create();
    fake.script(
      { status: 429, errorMessage: "rate limited", headers: { "retry-after-ms": "50" } },
      finish("Worked on the second try."),
    );
    const run = testRun({ sandbox, fake, provider: "anthropic" });
    const outcome = await ozHarness.run(run.ctx);
    expect(outcome).toMatchObject({ state: "SUCCEEDED", message: "Worked on the second try." });
  });

  it("ends in ERROR naming the provider, the model and the status when the provider stays down", async () => {
    const sandbox = await sandboxes.create();
    fake.whenExhausted({ status: 500, errorMessage: "upstream exploded", headers: { "retry-after-ms": "10" } });
    const run = testRun({ sandbox, fake });
    const outcome = await ozHarness.run(run.ctx);
    expect(outcome.state).toBe("ERROR");
    expect(outcome.errorCode).toBe("resource_unavailable");
    expect(outcome.message).toMatch(
      /model "test-model" at http:\/\/127\.0\.0\.1:\d+.*openai model fake-model-1: HTTP 500: .*upstream exploded/,
    );
  });

  it("fails a run that does not finish within its turns", async () => {
    const sandbox = await sandboxes.create();
    fake.whenExhausted({ toolCalls: [{ name: "run_shell", arguments: { command: "true" } }] });
    const run = testRun({ sandbox, fake, overrides: { toolLoopLimits: { maxTurns: 3 } } });
    const outcome = await ozHarness.run(run.ctx);
    expect(outcome).toMatchObject({
      state: "FAILED",
      message: "The agent stopped after 3 turns without finishing (the turn limit).",
    });
    expect(outcome.errorCode).toBeUndefined();
    expect(run.eventsOf("tool_result")).toHaveLength(3);
    expect(outcome.usage).toMatchObject({ input_tokens: 300, output_tokens: 60 });
  });

  it("stops within two seconds when cancelled while the model is thinking", async () => {
    const sandbox = await sandboxes.create();
    fake.script(
      { toolCalls: [{ name: "run_shell", arguments: { command: "true" } }] },
      { text: "slow", delayMs: 30_000 },
    );
    const run = testRun({ sandbox, fake });
    const before = fake.requests.length;
    const pending = ozHarness.run(run.ctx);
    await waitFor(() => fake.requests.length - before === 2);
    const cancelledAt = Date.now();
    run.controller.abort();
    await pending;
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
  });

  it("stops within two seconds when cancelled while a command runs", async () => {
    const sandbox = await sandboxes.create();
    fake.script({ toolCalls: [{ name: "run_shell", arguments: { command: "sleep 60" } }] });
    const run = testRun({ sandbox, fake });
    const pending = ozHarness.run(run.ctx);
    await waitFor(() => run.eventsOf("tool_call").length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cancelledAt = Date.now();
    run.controller.abort();
    await pending;
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
  });

  it("ends when the model answers without a tool, and fails when it says the task failed", async () => {
    const sandbox = await sandboxes.create();
    fake.script({ text: "All done: nothing needed changing." });
    expect(await ozHarness.run(testRun({ sandbox, fake }).ctx)).toMatchObject({
      state: "SUCCEEDED",
      message: "All done: nothing needed changing.",
    });
    fake.script({
      toolCalls: [{ name: "finish", arguments: { summary: "The repository is empty.", outcome: "failed" } }],
    });
    expect(await ozHarness.run(testRun({ sandbox, fake }).ctx)).toMatchObject({
      state: "FAILED",
      message: "The repository is empty.",
    });
  });

  it("explains a missing model, an unknown model and a missing key before calling any provider", async () => {
    const sandbox = await sandboxes.create();
    const before = fake.requests.length;
    const noModels = testRun({ sandbox, fake, overrides: { models: undefined } });
    expect(await ozHarness.run(noModels.ctx)).toMatchObject({
      state: "FAILED",
      errorCode: "feature_not_available",
      message: expect.stringMatching(/OZ_MODELS/),
    });
    const unknown = testRun({ sandbox, fake, config: { model_id: "gpt-9" } });
    expect(await ozHarness.run(unknown.ctx)).toMatchObject({
      state: "FAILED",
      errorCode: "invalid_request",
      message: 'Model "gpt-9" is not in this worker\'s model catalogue (models: test-model).',
    });
    const noKey = testRun({ sandbox, fake, secrets: {} });
    expect(await ozHarness.run(noKey.ctx)).toMatchObject({
      state: "FAILED",
      errorCode: "environment_setup_failed",
      message: expect.stringMatching(
        /The key of model "test-model" \(team secret LLM_KEY\) could not be loaded: secret LLM_KEY does not exist/,
      ),
    });
    const wrongKey = testRun({ sandbox, fake, secrets: { LLM_KEY: "sk-wrong" } });
    expect(await ozHarness.run(wrongKey.ctx)).toMatchObject({
      state: "FAILED",
      errorCode: "external_authentication_required",
    });
    expect(fake.requests.length - before).toBe(1); // only the wrong key reached the provider
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
