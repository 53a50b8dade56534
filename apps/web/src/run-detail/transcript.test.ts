import type { RunEvent } from "@oz/contract";
import { describe, expect, it } from "vitest";
import { buildTranscript, stateTimeline } from "./transcript.ts";

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
      output: [{ stream: "stdout", text: "Cloning into 'web'...\n" }],
    });
    expect(items[3]).toMatchObject({
      kind: "output",
      chunks: [
        { stream: "stdout", text: "hello\n" },
        { stream: "stderr", text: "warning: x\n" },
      ],
    });
    expect(items[5]).toMatchObject({ kind: "artifact", artifactUid: "b7c1", filename: "report.txt" });
    expect(stateTimeline(items).map((t) => t.state)).toEqual(["CLAIMED", "INPROGRESS", "SUCCEEDED"]);
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
        chunks: [
          { stream: "stdout", text: "one\n" },
          { stream: "stdout", text: "two\n" },
        ],
      },
    ]);
  });

  it("still shows events of kinds it does not know", () => {
    seq = 0;
    expect(buildTranscript([event("tool_call", { name: "grep" })])).toEqual([
      expect.objectContaining({ kind: "other", type: "tool_call" }),
    ]);
  });
});
