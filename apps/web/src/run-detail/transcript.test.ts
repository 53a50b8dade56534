import type { RunEvent } from "@oz/contract";
import { describe, expect, it } from "vitest";
import { buildLog, buildTranscript, totalUsage } from "./transcript.ts";

let seq = 0;
const event = (type: string, payload: Record<string, unknown>): RunEvent => {
  seq += 1;
  return {
    id: String(1000 + seq),
    seq,
    type,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    payload,
  };
};

describe("the transcript", () => {
  it("groups each setup step with its output, and the agent's consecutive output into one block", () => {
    seq = 0;
    const events = [
      event("state", { state: "CLAIMED" }),
      event("setup_step", { step: 1, name: "git clone acme/web", status: "started" }),
      event("output", { stream: "stdout", text: "Cloning into 'web'...\n", step: 1 }),
      event("setup_step", { step: 1, name: "git clone acme/web", status: "succeeded", exit_code: 0, duration_ms: 812 }),
      event("state", { state: "INPROGRESS" }),
      event("output", { stream: "stdout", text: "hello\n" }),
      event("output", { stream: "stderr", text: "warning: x\n" }),
      event("harness", { message: "process exited", exit_code: 0 }),
      event("artifact", { artifact_uid: "b7c1", artifact_type: "FILE", filename: "report.txt", size_bytes: 12 }),
      event("state", { state: "SUCCEEDED", message: "done" }),
    ];
    const items = buildTranscript(events);
    expect(items.map((i) => i.kind)).toEqual(["state", "setup", "state", "output", "harness", "artifact", "state"]);
    expect(items[1]).toMatchObject({
      kind: "setup",
      step: 1,
      name: "git clone acme/web",
      status: "succeeded",
      exitCode: 0,
      durationMs: 812,
      output: [{ stream: "stdout", text: "Cloning into 'web'..." }],
    });
    expect(items[3]).toMatchObject({
      kind: "output",
      lines: [
        { stream: "stdout", text: "hello" },
        { stream: "stderr", text: "warning: x" },
      ],
    });
    expect(items[5]).toMatchObject({ kind: "artifact", artifactUid: "b7c1", filename: "report.txt" });
  });

  it("keeps a failed step's exit code and the error that explains it", () => {
    seq = 0;
    const items = buildTranscript([
      event("setup_step", { step: 2, name: "npm ci", status: "started" }),
      event("output", { stream: "stderr", text: "npm ERR! missing package.json\n", step: 2 }),
      event("setup_step", { step: 2, name: "npm ci", status: "failed", exit_code: 254 }),
      event("error", { message: "setup command 'npm ci' exited with 254", error_code: "environment_setup_failed" }),
      event("state", { state: "FAILED", error_code: "environment_setup_failed" }),
    ]);
    expect(items[0]).toMatchObject({ kind: "setup", status: "failed", exitCode: 254 });
    expect(items[1]).toEqual(expect.objectContaining({ kind: "error", errorCode: "environment_setup_failed" }));
  });

  it("drops events replayed after a reconnect and orders by sequence", () => {
    seq = 0;
    const a = event("output", { stream: "stdout", text: "one\n" });
    const b = event("output", { stream: "stdout", text: "two\n" });
    const items = buildTranscript([b, a, b]);
    expect(items).toEqual([
      {
        kind: "output",
        id: a.id,
        lines: [expect.objectContaining({ text: "one" }), expect.objectContaining({ text: "two" })],
      },
    ]);
  });

  it("still shows events of kinds it does not know, with their payload", () => {
    seq = 0;
    expect(buildTranscript([event("review", { verdict: "ok" })])).toEqual([
      expect.objectContaining({ kind: "other", type: "review", payload: { verdict: "ok" } }),
    ]);
  });

  it("joins each tool result to its call, adds up tokens, and keeps follow-ups where they were sent", () => {
    seq = 0;
    const items = buildTranscript([
      event("agent_message", { text: "Looking.", turn: 1 }),
      event("tool_call", { call_id: "t1", name: "Bash", arguments: { command: "ls" }, turn: 1 }),
      event("usage", { model: "m", turn: 1, input_tokens: 100, output_tokens: 20 }),
      event("tool_result", { call_id: "t1", name: "Bash", is_error: false, output: "a.txt", duration_ms: 12 }),
      event("followup", { message: "also b", mode: "normal", delivery: "live" }),
      event("usage", { model: "m", turn: 2, input_tokens: 150, output_tokens: 30 }),
      event("agent_message", { text: "Found a.txt.", turn: 2 }),
      event("state", { state: "SUCCEEDED", message: "Found a.txt." }),
    ]);
    expect(items.map((i) => i.kind)).toEqual(["message", "tool", "usage", "followup", "usage", "message", "state"]);
    expect(items[1]).toMatchObject({
      name: "Bash",
      args: { command: "ls" },
      result: { output: "a.txt", durationMs: 12 },
    });
    expect(items[3]).toMatchObject({ message: "also b", delivery: "live" });
    expect(items.at(-1)).toMatchObject({ state: "SUCCEEDED", message: undefined });
    expect(totalUsage(items)).toEqual({ inputTokens: 250, outputTokens: 50, turns: 2 });
  });

  it("makes the log from every output line, setup steps included, as a terminal shows it", () => {
    seq = 0;
    const log = buildLog([
      event("output", { stream: "stdout", text: "cloning\n", step: 1 }),
      event("agent_message", { text: "not in the log", turn: 1 }),
      event("output", { stream: "stdout", text: "10%\r55%" }),
      event("output", { stream: "stdout", text: "\r100%\n\u001b[31mred\u001b[0m\n" }),
    ]);
    expect(log.map((l) => l.text)).toEqual(["cloning", "100%", "\u001b[31mred\u001b[0m"]);
    expect(log[0]).toMatchObject({ step: 1 });
  });
});
