import { RunEvent } from "@oz/contract";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { buildTranscript } from "./transcript.ts";
import { Transcript } from "./Transcript.tsx";

/** Events as the API sends them: each one checked against the contract's schema. */
const eventsOf = (list: { type: string; payload: Record<string, unknown> }[]): RunEvent[] =>
  list.map((e, i) =>
    RunEvent.parse({
      ...e,
      id: String(i + 1),
      seq: i + 1,
      created_at: `2026-01-01T12:00:${String(i).padStart(2, "0")}Z`,
    }),
  );

const setupEvents = eventsOf([
  {
    type: "setup_step",
    payload: { step: 1, name: "apk add git", status: "succeeded", exit_code: 0, duration_ms: 1500 },
  },
  { type: "output", payload: { stream: "stdout", text: "OK: 12 packages\n", step: 1 } },
  { type: "setup_step", payload: { step: 2, name: "make setup", status: "failed", exit_code: 2 } },
  { type: "output", payload: { stream: "stderr", text: "make: *** No rule to make target\n", step: 2 } },
  { type: "output", payload: { stream: "stdout", text: "agent says hi\n" } },
  { type: "error", payload: { message: "setup failed", error_code: "environment_setup_failed" } },
]);

/** What the built-in harness records for one shell command and its summary. */
const agentEvents = eventsOf([
  { type: "state", payload: { state: "INPROGRESS" } },
  { type: "agent_message", payload: { text: "I will run the **tests** first.", turn: 1 } },
  { type: "tool_call", payload: { call_id: "c1", name: "run_shell", arguments: { command: "npm test" }, turn: 1 } },
  { type: "usage", payload: { model: "fake", turn: 1, input_tokens: 120, output_tokens: 30 } },
  {
    type: "tool_result",
    payload: {
      call_id: "c1",
      name: "run_shell",
      is_error: false,
      output: "1 passing\n[exit code 1]",
      duration_ms: 2300,
    },
  },
  {
    type: "tool_call",
    payload: {
      call_id: "c2",
      name: "edit_file",
      arguments: { path: "src/a.ts", old_string: "const a = 1;", new_string: "const a = 2;" },
      turn: 2,
    },
  },
  {
    type: "tool_result",
    payload: {
      call_id: "c2",
      name: "edit_file",
      is_error: false,
      output: "Replaced 1 occurrence in src/a.ts.",
      duration_ms: 4,
    },
  },
  {
    type: "agent_message",
    payload: { text: "Done: <script>alert(1)</script> see [docs](https://example.com)", turn: 3 },
  },
  {
    type: "state",
    payload: { state: "SUCCEEDED", message: "Done: <script>alert(1)</script> see [docs](https://example.com)" },
  },
]);

describe("<Transcript>", () => {
  it("folds finished setup steps away and keeps a failed one open", () => {
    render(<Transcript items={buildTranscript(setupEvents)} running={false} onDownload={() => {}} />);
    const ok = screen.getByText("apk add git").closest("details")!;
    const failed = screen.getByText("make setup").closest("details")!;
    expect(ok.open).toBe(false);
    expect(failed.open).toBe(true);
    expect(screen.getByText(/exit 2/)).toBeTruthy();
    expect(screen.getByText("1.5s")).toBeTruthy();
  });

  it("shows output monospaced, with stderr told apart, and errors with their code", () => {
    render(<Transcript items={buildTranscript(setupEvents)} running={false} onDownload={() => {}} />);
    expect(screen.getByText("agent says hi").closest(".output")).toBeTruthy();
    expect(screen.getByText(/No rule to make target/).closest(".line")!.className).toContain("stderr");
    expect(screen.getByRole("alert").textContent).toContain("setup failed");
    expect(screen.getByText("environment_setup_failed")).toBeTruthy();
  });

  it("shows what the agent said as Markdown, never as HTML, and its final words once", async () => {
    const { container } = render(
      <Transcript items={buildTranscript(agentEvents)} running={false} onDownload={() => {}} />,
    );
    // The Markdown renderer is its own chunk: a loaded machine may take a while to import it.
    expect((await screen.findByText("tests", {}, { timeout: 10_000 })).tagName).toBe("STRONG");
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByText(/<script>alert\(1\)<\/script>/)).toBeTruthy();
    expect((await screen.findByRole("link", { name: "docs" })).getAttribute("rel")).toContain("noreferrer");
    // The closing state event repeats the agent's last message: the conversation shows it once.
    expect(container.textContent!.split("alert(1)").length - 1).toBe(1);
    expect(screen.getByText(/120 in \/ 30 out tokens/)).toBeTruthy();
  });

  it("shows each tool call as a step: the command, its exit code, its output on opening; an edit as a diff", async () => {
    render(<Transcript items={buildTranscript(agentEvents)} running={false} onDownload={() => {}} />);
    const shell = screen.getByText("npm test", { selector: ".tool-summary" }).closest(".tool-step")! as HTMLElement;
    expect(within(shell).getByText("Shell")).toBeTruthy();
    // A non-zero exit marks the step failed, and a failed step starts open.
    expect(shell.className).toContain("failed");
    expect(within(shell).getByText(/exit 1 · 2.3s/)).toBeTruthy();
    expect(within(shell).getByText("1 passing")).toBeTruthy();

    const edit = screen.getByText("src/a.ts", { selector: ".tool-summary" }).closest(".tool-step")! as HTMLElement;
    expect(within(edit).queryByText(/const a = 2;/)).toBeNull(); // folded
    await userEvent.click(within(edit).getByRole("button", { expanded: false }));
    expect(within(edit).getByText("- const a = 1;").className).toBe("del");
    expect(within(edit).getByText("+ const a = 2;").className).toBe("add");
    expect(within(edit).getByText("Replaced 1 occurrence in src/a.ts.")).toBeTruthy();
  });
});
