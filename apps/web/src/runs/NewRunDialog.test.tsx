import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, problemResponse } from "../test-support/fake-api.ts";
import { renderPage } from "../test-support/render.tsx";
import { NewRunDialog } from "./NewRunDialog.tsx";
import { EMPTY_NEW_RUN } from "./new-run.ts";

afterEach(() => vi.unstubAllGlobals());

/** A cloud agent as `GET /agent/identities` lists it. */
const agent = (uid: string, name: string, available: boolean) => ({
  uid,
  name,
  available,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  default_runner_uid: "",
  skills: [],
  secrets: [],
  memory: { attached_stores: [], auto_memory: { enabled: false } },
});

const agents = {
  agents: [
    agent("A1aaaaaaaaaaaaaaaaaaaa", "Nightly bot", true),
    agent("A2aaaaaaaaaaaaaaaaaaaa", "Over the limit", false),
  ],
};

describe("<NewRunDialog>", () => {
  it("starts a command run as a cloud agent and opens it", async () => {
    const api = fakeApi({
      "GET /api/v1/agent/identities": () => agents,
      "POST /api/v1/agent/runs": () => ({
        run_id: "0b0f6a3e-8c1d-4c3b-9b7a-1d2e3f4a5b6c",
        task_id: "x",
        state: "QUEUED",
      }),
    });
    renderPage(<NewRunDialog onClose={() => {}} />, "/runs");
    await screen.findByRole("option", { name: "Nightly bot" });
    expect((screen.getByRole("option", { name: /Over the limit/ }) as HTMLOptionElement).disabled).toBe(true);

    fireEvent.change(screen.getByLabelText("Prompt"), { target: { value: "Say hello" } });
    fireEvent.change(screen.getByLabelText("Agent"), { target: { value: "A1aaaaaaaaaaaaaaaaaaaa" } });
    fireEvent.change(screen.getByLabelText("Harness"), { target: { value: "command" } });
    fireEvent.change(screen.getByLabelText("Command"), { target: { value: "echo hello" } });
    fireEvent.click(screen.getByRole("button", { name: "Start run" }));

    await waitFor(() =>
      expect(screen.getByTestId("location").textContent).toBe("/runs/0b0f6a3e-8c1d-4c3b-9b7a-1d2e3f4a5b6c"),
    );
    const [post] = api.to("POST", "/api/v1/agent/runs");
    expect(post!.body).toEqual({
      prompt: "Say hello",
      agent_identity_uid: "A1aaaaaaaaaaaaaaaaaaaa",
      config: { harness: { type: "command", command: "echo hello" } },
    });
    expect(post!.headers.get("x-oz-source")).toBe("WEB_APP");
    expect(post!.headers.get("x-oz-csrf")).toBe("1");
  });

  it("says what is missing instead of sending an empty run", async () => {
    const api = fakeApi({});
    renderPage(<NewRunDialog onClose={() => {}} />, "/runs");
    fireEvent.click(await screen.findByRole("button", { name: "Start run" }));
    expect(await screen.findByText(/Write a prompt/)).toBeTruthy();
    expect(api.to("POST", "/api/v1/agent/runs")).toHaveLength(0);
  });

  it("shows the API's refusal as its problem detail", async () => {
    fakeApi({
      "POST /api/v1/agent/runs": () =>
        problemResponse(404, "Resource not found.", "environment Zz9 not found", "resource_not_found"),
    });
    renderPage(<NewRunDialog onClose={() => {}} />, "/runs");
    fireEvent.change(await screen.findByLabelText("Prompt"), { target: { value: "go" } });
    fireEvent.click(screen.getByRole("button", { name: "Start run" }));
    expect(await screen.findByText("environment Zz9 not found")).toBeTruthy();
  });

  it("offers the server's models by name, and without any says so and starts from the command harness", async () => {
    fakeApi({
      "GET /api/v1/models": () => ({
        models: [{ id: "fast", provider: "openai", model: "gpt-x", is_default: true }],
        default_model_id: "fast",
      }),
    });
    const first = renderPage(<NewRunDialog onClose={() => {}} />, "/runs");
    expect(await screen.findByRole("option", { name: "fast · openai" })).toBeTruthy();
    expect(screen.getByRole("option", { name: "Default (fast)" })).toBeTruthy();
    first.unmount();
    vi.unstubAllGlobals();

    fakeApi({ "GET /api/v1/models": () => ({ models: [] }) });
    renderPage(<NewRunDialog onClose={() => {}} />, "/runs");
    expect(await screen.findByText(/No models are configured on this server/)).toBeTruthy();
    expect((screen.getByLabelText("Harness") as HTMLSelectElement).value).toBe("command");
    expect(screen.getByLabelText("Command")).toBeTruthy();
  });

  it("fills in a run's settings for Edit and run", async () => {
    fakeApi({});
    renderPage(
      <NewRunDialog
        onClose={() => {}}
        initial={{ ...EMPTY_NEW_RUN, prompt: "again", harness: "command", command: "make test", title: "Tests" }}
      />,
      "/runs",
    );
    expect((await screen.findByLabelText("Prompt")).textContent).toBe("again");
    expect((screen.getByLabelText("Command") as HTMLInputElement).value).toBe("make test");
  });
});
