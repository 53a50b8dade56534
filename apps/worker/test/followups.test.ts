import { loadModelCatalogue } from "@oz/llm";
import { startFakeLlm, type FakeLlm, type FakeLlmRequest } from "@oz/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  createRun,
  getRun,
  outputOf,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

let platform: TestPlatform;
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: "sk-fake" });
  const models = loadModelCatalogue({
    OZ_MODELS: JSON.stringify([
      { id: "fake", provider: "openai", base_url: fake.openaiBaseUrl, api_key_env: "FAKE_LLM_KEY" },
    ]),
    OZ_DEFAULT_MODEL: "fake",
    FAKE_LLM_KEY: "sk-fake",
  });
  platform = await startTestPlatform({}, { models });
});
afterAll(async () => {
  await platform.close();
  await fake.close();
});
beforeEach(() => fake.whenExhausted({ status: 500, errorMessage: "fake-llm: script exhausted" }));

const sendFollowup = async (runId: string, message: string) => {
  const res = await call(platform.server, "POST", `/agent/runs/${runId}/followups`, {
    key: platform.key,
    body: { message },
  });
  expect(res.status, res.text).toBe(200);
  expect(res.json).toEqual({});
};

/** `PT1M2.5S` → 62500. */
const durationMs = (iso: string | undefined) => {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso ?? "");
  if (!match) throw new Error(`not an ISO duration: ${iso}`);
  return ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000;
};

const statesOf = (events: Awaited<ReturnType<typeof transcript>>) =>
  events.filter((e) => e.type === "state").map((e) => e.payload.state);

describe("a follow-up to a command run", () => {
  it("after it ended runs it again with the follow-up as the prompt, adding to its run time", async () => {
    const runId = await commandRun(platform, 'echo "asked: $OZ_PROMPT"');
    const first = await waitForState(platform, runId);
    expect(first.state).toBe("SUCCEEDED");

    await sendFollowup(runId, "now do it again");
    expect((await getRun(platform, runId)).state).not.toBe("SUCCEEDED"); // QUEUED or already further on
    const second = await waitForState(platform, runId, ["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"], 30_000);

    expect(second.state).toBe("SUCCEEDED");
    expect(second.started_at).toBe(first.started_at); // the first execution's start
    expect(durationMs(second.run_time)).toBeGreaterThan(durationMs(first.run_time));
    expect(second.request_usage?.compute_seconds).toBeGreaterThan(first.request_usage!.compute_seconds!);
    const events = await transcript(platform, runId);
    expect(outputOf(events)).toContain("asked: do the thing\n");
    expect(outputOf(events)).toContain("asked: now do it again\n");
    const followup = events.findIndex((e) => e.type === "followup");
    expect(events[followup]!.payload).toEqual({
      message: "now do it again",
      mode: "normal",
      delivery: "new_execution",
    });
    expect(statesOf(events.slice(followup))).toEqual(["QUEUED", "PENDING", "CLAIMED", "INPROGRESS", "SUCCEEDED"]);
    expect(statesOf(events).filter((s) => s === "INPROGRESS")).toHaveLength(2);
  });

  it("while it runs is kept for a new execution once this one ends, and the transcript says so", async () => {
    const runId = await commandRun(platform, 'sleep 2; echo "asked: $OZ_PROMPT"');
    await waitForState(platform, runId, ["INPROGRESS"]);

    await sendFollowup(runId, "and then the next thing");

    await expect
      .poll(
        async () =>
          (await transcript(platform, runId)).some((e) => /cannot take input/.test(String(e.payload.message))),
        {
          timeout: 5_000,
        },
      )
      .toBe(true);
    await expect
      .poll(async () => statesOf(await transcript(platform, runId)).filter((s) => s === "SUCCEEDED").length, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(2);
    const events = await transcript(platform, runId);
    expect(outputOf(events)).toContain("asked: do the thing\n");
    expect(outputOf(events)).toContain("asked: and then the next thing\n");
    expect((await getRun(platform, runId)).state).toBe("SUCCEEDED");
  });
});

describe("a follow-up to a queued run", () => {
  it("reaches the agent with the run's prompt when it starts", async () => {
    const idle = await startTestPlatform({}, { withoutWorker: true });
    try {
      const runId = await commandRun(idle, 'echo "asked: $OZ_PROMPT"');
      const res = await call(idle.server, "POST", `/agent/runs/${runId}/followups`, {
        key: idle.key,
        body: { message: "and mind the tests" },
      });
      expect(res.status).toBe(200);

      await idle.addWorker();
      const run = await waitForState(idle, runId);

      expect(run.state).toBe("SUCCEEDED");
      expect(outputOf(await transcript(idle, runId))).toContain("asked: do the thing\n\nand mind the tests\n");
    } finally {
      await idle.close();
    }
  });
});

describe("a follow-up to an oz agent run", () => {
  const conversationText = (request: FakeLlmRequest) => JSON.stringify(request.body.messages);

  it("reaches the running agent before its next turn, and after the end continues the conversation", async () => {
    fake.script(
      { text: "Starting.", toolCalls: [{ name: "run_shell", arguments: { command: "sleep 2; echo step one done" } }] },
      (request) =>
        conversationText(request).includes("Please also greet the team.")
          ? { toolCalls: [{ name: "finish", arguments: { summary: "Did step one and greeted the team." } }] }
          : { text: `the follow-up did not arrive: ${conversationText(request)}` },
    );
    const runId = await createRun(platform, { prompt: "Do step one." });
    await expect.poll(() => fake.requests.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await sendFollowup(runId, "Please also greet the team.");

    const first = await waitForState(platform, runId);
    expect(first.state, JSON.stringify(first.status_message)).toBe("SUCCEEDED");
    expect(first.status_message?.message).toBe("Did step one and greeted the team.");

    fake.script((request) => ({
      text: conversationText(request).includes("step one done") ? "Earlier I ran step one." : "I have no memory.",
    }));
    const requestsBefore = fake.requests.length;
    await sendFollowup(runId, "What did you do before?");
    const second = await waitForState(platform, runId, ["SUCCEEDED", "FAILED", "ERROR", "CANCELLED"], 30_000);

    expect(second.state, JSON.stringify(second.status_message)).toBe("SUCCEEDED");
    expect(second.status_message?.message).toBe("Earlier I ran step one.");
    // The new execution's model request carries the whole history, then the follow-up.
    const resumed = fake.requests[requestsBefore]!.body.messages as { role: string; content?: string }[];
    const users = resumed.filter((m) => m.role === "user").map((m) => m.content ?? "");
    expect(users[0]).toBe("Do step one.");
    expect(users[1]).toBe("Please also greet the team.");
    expect(users.at(-1)).toContain("What did you do before?");
    expect(resumed.some((m) => m.role === "tool" && String(m.content).includes("step one done"))).toBe(true);

    const events = await transcript(platform, runId);
    expect(events.filter((e) => e.type === "followup").map((e) => e.payload.delivery)).toEqual([
      "live",
      "new_execution",
    ]);
    expect(
      events.some(
        (e) => e.type === "harness" && /received a follow-up message before turn 2/.test(String(e.payload.message)),
      ),
    ).toBe(true);
    expect(statesOf(events).filter((s) => s === "INPROGRESS")).toHaveLength(2);
  });
});
