import type { RunItem } from "@oz/contract";
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeApi, problemResponse } from "../test-support/fake-api.ts";
import { renderPage } from "../test-support/render.tsx";
import { RunsPage } from "./RunsPage.tsx";

const run = (over: Partial<RunItem>): RunItem => ({
  run_id: crypto.randomUUID(),
  task_id: "",
  title: "Fix the flaky test",
  prompt: "Fix it",
  state: "SUCCEEDED",
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
  source: "API",
  creator: { uid: "U1", type: "user", display_name: "Ada" },
  executor: { uid: "A1", type: "service_account", display_name: "Nightly bot" },
  run_time: "PT1M5S",
  request_usage: { inference_cost_usd: 0.42 },
  ...over,
});

const page = (runs: RunItem[], next?: string) => ({
  runs,
  page_info: { has_next_page: Boolean(next), next_cursor: next },
});

afterEach(() => vi.unstubAllGlobals());

describe("the runs page", () => {
  it("shows each run as a scannable row: status, title, source, creator, agent, duration, cost", async () => {
    fakeApi({
      "GET /api/v1/agent/runs": () =>
        page([
          run({
            title: "Nightly triage",
            state: "INPROGRESS",
            started_at: new Date(Date.now() - 65_000).toISOString(),
            run_time: "PT0S",
          }),
          run({ title: "Quick fix", state: "ERROR", executor: { type: "user", display_name: "Ada" } }),
        ]),
    });
    renderPage(<RunsPage />, "/runs");
    const row = (await screen.findByText("Nightly triage")).closest("a")!;
    expect(within(row).getByText("Running")).toBeTruthy();
    expect(within(row).getByText("API")).toBeTruthy();
    expect(within(row).getByText("Ada")).toBeTruthy();
    expect(within(row).getByText("Nightly bot")).toBeTruthy();
    expect(within(row).getByText("1m 5s")).toBeTruthy();
    expect(within(row).getByText("$0.42")).toBeTruthy();
    const quick = screen.getByText("Quick fix").closest("a")!;
    expect(within(quick).getByText("Failed")).toBeTruthy();
    expect(within(quick).getByText("Quick run")).toBeTruthy();
  });

  it("tells a queued run from one waiting for a worker and from a running one, the status message on hover", async () => {
    const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
    fakeApi({
      "GET /api/v1/agent/runs": () =>
        page([
          run({ title: "Just queued", state: "QUEUED", created_at: ago(2_000), run_time: undefined }),
          run({
            title: "Nobody took it",
            state: "QUEUED",
            created_at: ago(120_000),
            run_time: undefined,
            status_message: { message: "Queued behind 3 runs" },
          }),
          run({ title: "Going", state: "INPROGRESS", started_at: ago(3_000), run_time: undefined }),
        ]),
    });
    renderPage(<RunsPage />, "/runs");
    const row = async (title: string) => (await screen.findByText(title)).closest("a")!;
    expect(within(await row("Just queued")).getByText("Queued")).toBeTruthy();
    const waiting = within(await row("Nobody took it")).getByText("Waiting for a worker");
    expect(waiting.getAttribute("title")).toBe("Waiting for a worker: Queued behind 3 runs");
    // A running run's duration ticks by itself.
    const going = await row("Going");
    const first = within(going).getByText(/^\ds$/).textContent;
    await waitFor(() => expect(within(going).getByText(/^\ds$/).textContent).not.toBe(first), { timeout: 3000 });
  });

  it("applies the filters of a shared link and asks the API for exactly those runs", async () => {
    const api = fakeApi({ "GET /api/v1/agent/runs": () => page([]) });
    renderPage(<RunsPage />, "/runs?status=failed&source=API&q=deploy");
    await screen.findByText("No runs match these filters");
    const query = api.to("GET", "/api/v1/agent/runs").at(-1)!.query;
    expect(query.getAll("state")).toEqual(["FAILED", "ERROR"]);
    expect(query.get("source")).toBe("API");
    expect(query.get("q")).toBe("deploy");
    expect(screen.getByRole("button", { name: "Failed" }).getAttribute("aria-pressed")).toBe("true");
    expect((screen.getByLabelText("Source") as HTMLSelectElement).value).toBe("API");
    expect((screen.getByLabelText("Search") as HTMLInputElement).value).toBe("deploy");
  });

  it("puts filters the user picks into the URL, combined", async () => {
    const api = fakeApi({ "GET /api/v1/agent/runs": () => page([]) });
    renderPage(<RunsPage />, "/runs?status=failed");
    await screen.findByText("No runs match these filters");
    fireEvent.click(screen.getByRole("button", { name: "Working" }));
    fireEvent.change(screen.getByLabelText("Source"), { target: { value: "CLI" } });
    await waitFor(() =>
      expect(screen.getByTestId("location").textContent).toBe("/runs?status=working&status=failed&source=CLI"),
    );
    await waitFor(() => expect(api.to("GET", "/api/v1/agent/runs").at(-1)!.query.get("source")).toBe("CLI"));
    expect(api.to("GET", "/api/v1/agent/runs").at(-1)!.query.getAll("state")).toContain("INPROGRESS");

    fireEvent.click(screen.getByRole("button", { name: /Clear filters/ }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/runs"));
  });

  it("waits for a pause in typing before searching", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      fakeApi({ "GET /api/v1/agent/runs": () => page([]) });
      renderPage(<RunsPage />, "/runs");
      await screen.findByText("No runs yet");
      fireEvent.change(screen.getByLabelText("Search"), { target: { value: "flaky" } });
      expect(screen.getByTestId("location").textContent).toBe("/runs");
      await act(() => vi.advanceTimersByTimeAsync(400));
      expect(screen.getByTestId("location").textContent).toBe("/runs?q=flaky");
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the signed-in user's runs on the Personal tab", async () => {
    const api = fakeApi({ "GET /api/v1/agent/runs": () => page([]) });
    renderPage(<RunsPage />, "/runs");
    await screen.findByText("No runs yet");
    fireEvent.click(screen.getByRole("tab", { name: "Personal" }));
    await waitFor(() =>
      expect(api.to("GET", "/api/v1/agent/runs").at(-1)!.query.get("creator")).toBe("U1aaaaaaaaaaaaaaaaaaaa"),
    );
    expect(screen.getByTestId("location").textContent).toBe("/runs?tab=personal");
  });

  it("pages through long lists with the cursor", async () => {
    const api = fakeApi({
      "GET /api/v1/agent/runs": (req) =>
        req.query.get("cursor") === "page-2"
          ? page([run({ title: "Older run" })])
          : page([run({ title: "Newer run" })], "page-2"),
    });
    renderPage(<RunsPage />, "/runs");
    await screen.findByText("Newer run");
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByText("Older run");
    expect(api.to("GET", "/api/v1/agent/runs").some((r) => r.query.get("cursor") === "page-2")).toBe(true);
  });

  it("shows an API failure as its problem title and detail", async () => {
    fakeApi({
      "GET /api/v1/agent/runs": () =>
        problemResponse(400, "Invalid request parameters.", "q: must be at most 200 characters", "invalid_request"),
    });
    renderPage(<RunsPage />, "/runs");
    expect(await screen.findByText("Invalid request parameters.")).toBeTruthy();
    expect(screen.getByText("q: must be at most 200 characters")).toBeTruthy();
  });

  it("sends a signed-out visitor to the sign-in page and back afterwards", async () => {
    fakeApi({
      "GET /api/v1/auth/session": () =>
        problemResponse(401, "API key invalid or expired.", "sign in", "authentication_required"),
    });
    renderPage(<RunsPage />, "/runs?status=failed");
    await waitFor(() =>
      expect(screen.getByTestId("location").textContent).toBe(
        `/login?next=${encodeURIComponent("/runs?status=failed")}`,
      ),
    );
  });
});
