import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWorker, TEST_IMAGE, type TestWorker } from "../../worker/test/support/test-worker.ts";
import { call } from "../../api/test/support/test-server.ts";
import { launchBrowser, screenshot, signIn, screenshotOnFailure } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

let server: DashboardServer;
let worker: TestWorker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let environmentName: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
  // A real worker (BullMQ, Docker, Postgres) on the server's queues, storing artifacts where the API serves them.
  worker = await startTestWorker(server.database.db, { queuePrefix: server.queuePrefix }, { blobs: server.blobs });
  environmentName = "busybox";
  const env = await call(server, "POST", "/agent/environments", {
    key: server.team.apiKey,
    body: { name: environmentName, docker_image: TEST_IMAGE, setup_commands: ["echo preparing the sandbox"] },
  });
  expect(env.status, env.text).toBe(200);

  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // Download links name the server's public URL (http://oz.test in tests): send them to the real server.
  await context.route(/^http:\/\/oz\.test\//, async (route) => {
    const response = await route.fetch({ url: route.request().url().replace("http://oz.test", server.origin) });
    await route.fulfill({ response });
  });
  page = await context.newPage();
  await signIn(page, server.origin, server.adminEmail, ADMIN_PASSWORD);
});
screenshotOnFailure(() => page);
afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await server?.close();
});

const runState = (runId: string) =>
  server.database.db.run.findUniqueOrThrow({ where: { id: runId } }).then((r) => r.state);

describe("runs executing, watched in the browser", () => {
  it("starts a command run from the UI and watches it succeed live: transcript, setup step, artifact", async () => {
    await page.getByRole("button", { name: "New run" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Prompt").fill("Write a report");
    await dialog.getByLabel("Environment", { exact: true }).selectOption({ label: environmentName });
    await dialog.getByLabel("Harness").selectOption("command");
    await dialog
      .getByLabel("Command", { exact: true })
      .fill('echo "hello from the sandbox"; sleep 1; echo "report body" > "$OZ_ARTIFACTS_DIR/report.txt"; echo done');
    await dialog.getByLabel("Title").fill("Report run");
    await dialog.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);

    // No reload from here on: the status, transcript and artifacts arrive by themselves.
    const header = page.locator(".page-header");
    await expect.poll(() => header.textContent(), { timeout: 30_000 }).toContain("Success");
    const transcript = page.getByTestId("transcript");
    await expect.poll(() => transcript.textContent()).toContain("hello from the sandbox");
    await expect.poll(() => page.locator(".stream-status").textContent()).toBe("Complete");
    const step = page.locator("details.setup-step", { hasText: "echo preparing the sandbox" });
    expect(await step.getAttribute("open")).toBeNull(); // a finished step folds away…
    await step.locator("summary").click();
    await expect.poll(() => step.textContent()).toContain("preparing the sandbox"); // …and opens on demand
    expect(
      await transcript
        .locator(".output")
        .first()
        .evaluate((el) => getComputedStyle(el).fontFamily),
    ).toMatch(/mono/i);

    const artifact = page.locator(".artifacts li", { hasText: "report.txt" });
    await artifact.waitFor({ timeout: 10_000 });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      artifact.getByRole("button", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("report.txt");
    await screenshot(page, "12-run-succeeded");

    await page.getByRole("navigation").getByRole("link", { name: "Runs" }).click();
    await page.getByRole("button", { name: "Success", exact: true }).click();
    await page.getByLabel("Source").selectOption("WEB_APP");
    await expect.poll(() => page.locator("a.run-row .run-title").allTextContents()).toEqual(["Report run"]);
  });

  it("cancels a long run from its page", async () => {
    const created = await call(server, "POST", "/agent/runs", {
      key: server.team.apiKey,
      body: {
        prompt: "wait",
        title: "Long run",
        config: { harness: { type: "command", command: "echo started; sleep 120" } },
      },
    });
    expect(created.status, created.text).toBe(200);
    const runId = created.json.run_id as string;
    await page.goto(`${server.origin}/runs/${runId}`);
    await expect.poll(() => page.getByTestId("transcript").textContent(), { timeout: 30_000 }).toContain("started");
    await page.getByRole("button", { name: "Cancel run" }).click();
    await page.getByRole("button", { name: "Yes" }).click();
    await expect.poll(() => page.locator(".page-header").textContent(), { timeout: 15_000 }).toContain("Cancelled");
    expect(await runState(runId)).toBe("CANCELLED");
    await expect.poll(() => page.getByRole("button", { name: "Cancel run" }).count()).toBe(0);
    await screenshot(page, "13-run-cancelled");
  });
});
