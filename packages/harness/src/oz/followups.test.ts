import type { ChatMessage } from "@oz/llm";
import { startFakeLlm, type FakeLlm, type FakeLlmRequest } from "@oz/testing";
import { useTestSandboxes } from "@oz/sandbox/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConversationStore, FollowupSource } from "../port.ts";
import { closeDanglingToolCalls } from "./conversation-history.ts";
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

/** Follow-ups a test hands over at a chosen moment, as the worker's inbox would. */
function mailbox(): FollowupSource & { send(message: string): void } {
  let waiting: string[] = [];
  return {
    send: (message) => void waiting.push(message),
    take: async () => {
      const taken = waiting;
      waiting = [];
      return taken;
    },
  };
}

function memoryConversation(initial: ChatMessage[] = []): ConversationStore & { saved: ChatMessage[] } {
  const store = {
    saved: initial,
    load: async () => store.saved,
    save: async (messages: readonly ChatMessage[]) => void (store.saved = [...messages]),
  };
  return store;
}

const userMessages = (request: FakeLlmRequest) =>
  (request.body.messages as { role: string; content: string }[]).filter((m) => m.role === "user").map((m) => m.content);

describe("the oz agent and follow-ups", () => {
  it("does not finish while a follow-up is waiting: it reads it and carries on", async () => {
    const followups = mailbox();
    fake.script(
      () => {
        followups.send("Also write NOTES.md.");
        return { toolCalls: [{ name: "finish", arguments: { summary: "Done early." } }] };
      },
      (request) => ({
        toolCalls: [
          userMessages(request).includes("Also write NOTES.md.")
            ? { name: "write_file", arguments: { path: "NOTES.md", content: "notes\n" } }
            : { name: "finish", arguments: { summary: "never saw the follow-up" } },
        ],
      }),
      { toolCalls: [{ name: "finish", arguments: { summary: "Wrote NOTES.md too." } }] },
    );
    const sandbox = await sandboxes.create();
    const run = testRun({ sandbox, fake, overrides: { followups } });

    const outcome = await ozHarness.run(run.ctx);

    expect(outcome).toMatchObject({ state: "SUCCEEDED", message: "Wrote NOTES.md too." });
    expect((await sandbox.readFile("/workspace/NOTES.md")).toString()).toBe("notes\n");
    expect(run.eventsOf("harness").map((e) => e.message)).toContain(
      "The agent received a follow-up message as it was finishing.",
    );
  });

  it("keeps its conversation (secrets redacted) and a new execution continues it", async () => {
    const conversation = memoryConversation();
    fake.script(
      { toolCalls: [{ name: "run_shell", arguments: { command: "echo the key is sk-test-key" } }] },
      { toolCalls: [{ name: "finish", arguments: { summary: "First part done." } }] },
    );
    const first = testRun({
      sandbox: await sandboxes.create(),
      fake,
      prompt: "Part one.",
      overrides: { conversation },
    });
    expect(await ozHarness.run(first.ctx)).toMatchObject({ state: "SUCCEEDED" });
    expect(JSON.stringify(conversation.saved)).not.toContain("sk-test-key");
    expect(conversation.saved.at(-1)).toEqual({
      role: "tool",
      results: [{ callId: expect.any(String), content: "finished", isError: false }],
    });

    fake.script({ text: "Continuing from part one." });
    const requestsBefore = fake.requests.length;
    const second = testRun({
      sandbox: await sandboxes.create(),
      fake,
      prompt: "Part two.",
      overrides: { conversation },
    });
    expect(await ozHarness.run(second.ctx)).toMatchObject({ state: "SUCCEEDED", message: "Continuing from part one." });

    const users = userMessages(fake.requests[requestsBefore]!);
    expect(users[0]).toBe("Part one.");
    expect(users.at(-1)).toMatch(/new execution[\s\S]*Part two\.$/);
  });
});

describe("a conversation continued after an execution ended mid-turn", () => {
  it("answers tool calls that never ran, so every provider accepts it", () => {
    const history: ChatMessage[] = [
      { role: "user", content: "go" },
      {
        role: "assistant",
        text: "",
        toolCalls: [
          { id: "a", name: "run_shell", arguments: "{}" },
          { id: "b", name: "finish", arguments: "{}" },
        ],
      },
      { role: "tool", results: [{ callId: "a", content: "ok", isError: false }] },
      { role: "assistant", text: "", toolCalls: [{ id: "c", name: "run_shell", arguments: "{}" }] },
    ];
    expect(closeDanglingToolCalls(history).slice(2)).toEqual([
      {
        role: "tool",
        results: [
          { callId: "a", content: "ok", isError: false },
          { callId: "b", content: expect.stringContaining("not run"), isError: true },
        ],
      },
      history[3],
      { role: "tool", results: [{ callId: "c", content: expect.stringContaining("not run"), isError: true }] },
    ]);
  });
});
