import { loadModelCatalogue } from "@oz/llm";
import { startFakeLlm, type FakeLlm } from "@oz/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWorker, type TestWorker } from "../../worker/test/support/test-worker.ts";
import { call } from "../../api/test/support/test-server.ts";
import { launchBrowser, screenshot, signIn, screenshotOnFailure } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

// The run page as a person reads it: an `oz` run against a scripted model (the fake LLM), its tool steps and
// summary; a command run's coloured, progress-bar log; re-run, follow-up and cancel; a 10,000-line run.

let fake: FakeLlm;
let server: DashboardServer;
let worker: TestWorker;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: "sk-fake" });
  const models = loadModelCatalogue({
    OZ_MODELS: JSON.stringify([
      {
        id: "fake",
        provider: "openai",
        base_url: fake.openaiBaseUrl,
        api_key_env: "FAKE_LLM_KEY",
        input_price_per_mtok: 2,
        output_price_per_mtok: 10,
      },
    ]),
    OZ_DEFAULT_MODEL: "fake",
    FAKE_LLM_KEY: "sk-fake",
  });
  [server, browser] = await Promise.all([startDashboardServer({ models }), launchBrowser()]);
  worker = await startTestWorker(
    server.database.db,
    { queuePrefix: server.queuePrefix },
    { blobs: server.blobs, models },
  );
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await signIn(page, server.origin, server.adminEmail, ADMIN_PASSWORD);
});
screenshotOnFailure(() => page);
afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await server?.close();
  await fake?.close();
});

async function apiRun(body: Record<string, unknown>) {
  const res = await call(server, "POST", "/agent/runs", { key: server.team.apiKey, body });
  expect(res.status, res.text).toBe(200);
  return res.json.run_id as string;
}
const commandRun = (title: string, command: string) =>
  apiRun({ prompt: title, title, config: { harness: { type: "command", command } } });

const header = () => page.locator(".page-header");
const transcript = () => page.getByTestId("transcript");
const waitForHeader = (text: string, timeout = 30_000) =>
  expect.poll(() => header().textContent(), { timeout }).toContain(text);

describe("an oz run in the browser", () => {
  it("shows the model's words as Markdown, the shell command it asked for, and that command's output", async () => {
    fake.script(
      {
        text: "I will greet you from the sandbox.",
        toolCalls: [{ name: "run_shell", arguments: { command: "echo hello-from-the-tool" } }],
      },
      { text: "## Summary\n\nThe command printed **hello-from-the-tool**.\n\n- one step\n- no errors" },
    );
    const runId = await apiRun({
      prompt: "Say hello from the sandbox",
      title: "Greeting",
      config: { model_id: "fake" },
    });
    await page.goto(`${server.origin}/runs/${runId}`);
    await waitForHeader("Success");

    await expect.poll(() => transcript().textContent()).toContain("I will greet you from the sandbox.");
    const step = page.locator(".tool-step", { hasText: "echo hello-from-the-tool" });
    await step.waitFor();
    expect(await step.locator(".tool-name").textContent()).toBe("Shell");
    expect(await step.textContent()).toContain("exit 0");
    await step.getByRole("button").click();
    await expect.poll(() => step.locator(".tool-body").textContent()).toContain("hello-from-the-tool");
    // The summary is Markdown, shown once: a heading and bold text, not "##" and asterisks.
    await expect.poll(() => transcript().getByRole("heading", { name: "Summary" }).count()).toBe(1);
    expect(await transcript().locator("strong", { hasText: "hello-from-the-tool" }).count()).toBe(1);
    expect(await page.locator(".page").textContent()).not.toContain("## Summary");
    expect(await page.locator(".status-message").count()).toBe(0);
    await expect.poll(() => page.locator(".t-usage").count()).toBe(2);
    // Each turn: 100 tokens in at $2/M and 20 out at $10/M.
    expect(await page.locator(".t-usage").first().textContent()).toContain("100 in / 20 out tokens · $0.0004");
    expect(await page.title()).toBe("Succeeded · Greeting · Oz");
    await screenshot(page, "20-run-conversation-desktop");
  });

  it("sends a follow-up from the run page, which continues the run in place", async () => {
    fake.script({ text: "Goodbye, as asked." });
    await page.getByLabel("Follow-up").fill("Now say goodbye");
    await page.getByRole("button", { name: "Send follow-up" }).click();
    await expect.poll(() => transcript().textContent(), { timeout: 30_000 }).toContain("Goodbye, as asked.");
    expect(await page.locator(".t-followup").textContent()).toContain("Now say goodbye");
    await waitForHeader("Success");
  });

  it("re-runs the same configuration as a new run", async () => {
    fake.script({ text: "Greeting again." });
    const before = page.url();
    await page.getByRole("button", { name: "Re-run" }).click();
    await page.waitForURL((url) => url.href !== before && /\/runs\/[0-9a-f-]{36}$/.test(url.pathname));
    await waitForHeader("Success");
    await expect.poll(() => transcript().textContent()).toContain("Greeting again.");
    expect(await page.locator("h1").textContent()).toBe("Greeting");
  });
});

describe("a command run's log", () => {
  it("shows colours as colours and a progress bar as its one last line; search, timestamps and the raw log", async () => {
    const runId = await commandRun(
      "Coloured build",
      String.raw`printf '\033[31mred alert\033[0m plain\n'; for p in 10 50 100; do printf "\rprogress $p%%"; sleep 0.2; done; echo; echo done`,
    );
    await page.goto(`${server.origin}/runs/${runId}`);
    await waitForHeader("Success");
    await page.getByRole("tab", { name: "Log" }).click();
    const log = page.getByTestId("log");
    await expect.poll(() => log.textContent()).toContain("done");
    const progress = log.locator(".log-line", { hasText: "progress" });
    expect(await progress.count()).toBe(1);
    expect(await progress.locator(".lt").textContent()).toBe("progress 100%");
    const red = log.locator("[data-ansi]", { hasText: "red alert" });
    const [r, g, b] = (await red.evaluate((el) => getComputedStyle(el).color)).match(/\d+/g)!.map(Number);
    expect(r).toBeGreaterThan(200); // red, and light enough to read on the dark log
    expect(Math.max(g!, b!)).toBeLessThan(r! - 100);
    expect(await log.textContent()).not.toContain("[31m");

    await page.getByLabel("Search the log").fill("ALERT");
    await expect.poll(() => page.locator(".log-toolbar").textContent()).toContain("1 of 1");
    expect(await log.locator("mark").textContent()).toBe("alert");
    await page.getByLabel("Timestamps").check();
    expect(await log.locator(".log-line time").first().textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
    await screenshot(page, "21-run-log-desktop");

    // The raw log, as the download link (and curl in CI) gets it: exactly what was printed.
    const href = await page.getByRole("link", { name: "Raw log" }).getAttribute("href");
    const raw = await page.request.get(`${server.origin}${href}`);
    expect(raw.headers()["content-type"]).toBe("text/plain; charset=utf-8");
    expect(await raw.text()).toBe(
      "\u001b[31mred alert\u001b[0m plain\n\rprogress 10%\rprogress 50%\rprogress 100%\ndone\n",
    );
  });

  it("draws the first screen of a 10,000-line run within a second", async () => {
    const runId = await commandRun("Ten thousand lines", "seq 1 10000");
    await expect
      .poll(async () => (await call(server, "GET", `/agent/runs/${runId}`, { key: server.team.apiKey })).json.state, {
        timeout: 30_000,
      })
      .toBe("SUCCEEDED");
    await page.goto(`${server.origin}/runs/${runId}`);
    // Time from the start of the navigation to the last line on screen (the view follows the tail), in the browser.
    const drawnAt = await page.waitForFunction(
      () => {
        const rows = document.querySelectorAll("[data-testid=transcript] .v-line");
        return [...rows].some((r) => r.textContent?.trim() === "10000") ? performance.now() : false;
      },
      undefined,
      { polling: "raf", timeout: 10_000 },
    );
    const ms = (await drawnAt.jsonValue()) as number;
    console.log(`10,000-line transcript: last line drawn ${ms.toFixed(0)} ms after navigation`);
    expect(ms).toBeLessThanOrEqual(1000);
    // Only what is in view is in the page.
    expect(await page.locator("[data-testid=transcript] .v-line").count()).toBeLessThan(200);
  });
});

describe("cancelling", () => {
  it("asks first, then shows the run's real duration", async () => {
    const runId = await commandRun("Long sleeper", "echo started; sleep 120");
    await page.goto(`${server.origin}/runs/${runId}`);
    await expect.poll(() => transcript().textContent(), { timeout: 30_000 }).toContain("started");
    await page.waitForTimeout(3_000);
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.getByRole("button", { name: "Yes" }).click();
    await waitForHeader("Cancelled", 15_000);
    const run = (await call(server, "GET", `/agent/runs/${runId}`, { key: server.team.apiKey })).json;
    expect(run.is_sandbox_running).toBe(false);
    const seconds = Number(/^PT([\d.]+)S$/.exec(run.run_time)?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator(".facts").first().textContent()).toMatch(/Duration[3-9]s/);
    await screenshot(page, "22-run-cancelled-desktop");
  });
});
