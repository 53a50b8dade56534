import type { RunEvent } from "@oz/contract";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { buildTranscript } from "./transcript.ts";
import { Transcript } from "./Transcript.tsx";

const events: RunEvent[] = [
  {
    type: "setup_step",
    payload: { step: 1, name: "apk add git", status: "succeeded", exit_code: 0, duration_ms: 1500 },
  },
  { type: "output", payload: { stream: "stdout", text: "OK: 12 packages\n", step: 1 } },
  { type: "setup_step", payload: { step: 2, name: "make setup", status: "failed", exit_code: 2 } },
  { type: "output", payload: { stream: "stderr", text: "make: *** No rule to make target\n", step: 2 } },
  { type: "output", payload: { stream: "stdout", text: "agent says hi\n" } },
  { type: "error", payload: { message: "setup failed", error_code: "environment_setup_failed" } },
].map((e, i) => ({ ...e, id: String(i + 1), seq: i + 1, created_at: "2026-01-01T12:00:00Z" }));

describe("<Transcript>", () => {
  it("folds finished setup steps away and keeps a failed one open", () => {
    render(<Transcript items={buildTranscript(events)} running={false} onDownload={() => {}} />);
    const ok = screen.getByText("apk add git").closest("details")!;
    const failed = screen.getByText("make setup").closest("details")!;
    expect(ok.open).toBe(false);
    expect(failed.open).toBe(true);
    expect(screen.getByText(/exit 2/)).toBeTruthy();
    expect(screen.getByText("1.5s")).toBeTruthy();
  });

  it("shows output monospaced, with stderr told apart, and errors with their code", () => {
    render(<Transcript items={buildTranscript(events)} running={false} onDownload={() => {}} />);
    const line = screen.getByText("agent says hi");
    expect(line.closest("pre")?.className).toBe("output");
    expect(screen.getByText(/No rule to make target/).className).toBe("stderr");
    expect(screen.getByRole("alert").textContent).toContain("setup failed");
    expect(screen.getByText("environment_setup_failed")).toBeTruthy();
  });
});
