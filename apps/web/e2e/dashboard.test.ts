import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moveRunTo } from "../../api/test/support/run-fixtures.ts";
import { call } from "../../api/test/support/test-server.ts";
import { launchBrowser, screenshot, screenshotOnFailure } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

let server: DashboardServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
});
screenshotOnFailure(() => page);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A run made through the API with a bearer key, as CI would, from the given source. */
async function apiRun(title: string, source = "API") {
  const res = await call(server, "POST", "/agent/runs", {
    key: server.team.apiKey,
    body: { prompt: `do ${title}`, title },
    headers: { "x-oz-source": source },
  });
  expect(res.status, res.text).toBe(200);
  return res.json.run_id as string;
}

/** A link of the sidebar's navigation. */
const nav = (name: string) => page.getByRole("navigation").getByRole("link", { name });

const rowTitles = () => page.locator("a.run-row .run-title").allTextContents();

describe("the dashboard in a real browser", () => {
  it("refuses a wrong password with the problem's words, then signs the admin in", async () => {
    await page.goto(`${server.origin}/runs`);
    await page.waitForURL(/\/login\?next=%2Fruns/);
    await page.getByLabel("Email").fill(server.adminEmail);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("the email or password is incorrect");
    await screenshot(page, "01-sign-in");

    await page.getByLabel("Password").fill(ADMIN_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.origin}/runs`);
    await page.getByText("No runs yet").waitFor();
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "oz_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });

  it("creates an environment", async () => {
    await nav("Environments").click();
    await page.getByText("No environments yet").waitFor();
    await page.getByRole("button", { name: "New environment" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name", { exact: true }).fill("busybox-env");
    await dialog.getByLabel("Docker image").fill("oz-test/busybox:latest");
    await dialog.getByLabel("Setup commands").fill("echo preparing");
    await dialog.getByRole("button", { name: "Create environment" }).click();
    const card = page.locator('[data-environment="busybox-env"]');
    await card.waitFor();
    expect(await card.textContent()).toContain("oz-test/busybox:latest");
    await screenshot(page, "03-environments");
  });

  it("creates a cloud agent that runs in that environment", async () => {
    await nav("Agents").click();
    await page.locator('[data-agent="Default agent"]').waitFor();
    await page.getByRole("button", { name: "New agent" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name", { exact: true }).fill("Nightly bot");
    await dialog.getByLabel("Harness").selectOption("command");
    await dialog.getByLabel("Command", { exact: true }).fill("echo hello from the bot");
    await dialog.getByLabel("Default environment").selectOption({ label: "busybox-env" });
    await dialog.getByRole("button", { name: "Create agent" }).click();
    const card = page.locator('[data-agent="Nightly bot"]');
    await card.waitFor();
    expect(await card.textContent()).toContain("busybox-env");
    expect(await card.textContent()).toContain("Available");
    // The default agent is protected.
    expect(
      await page.locator('[data-agent="Default agent"]').getByRole("button", { name: "Delete" }).isDisabled(),
    ).toBe(true);

    // Its own API keys: created on its card, bound to it.
    await card.getByRole("button", { name: "API keys" }).click();
    await card.getByLabel("Key name").fill("bot key");
    await card.getByRole("button", { name: "Create key" }).click();
    const botKey = (await card.getByTestId("new-api-key").textContent())!;
    const whoami = await call(server, "GET", "/whoami", { key: botKey });
    expect(whoami.json).toMatchObject({ type: "service_account", display_name: "Nightly bot" });
    await card.locator('tr[data-key-name="bot key"]').waitFor();
    await screenshot(page, "04-agents");
  });

  it("starts a command run as the cloud agent from the UI and opens it", async () => {
    await nav("Runs").click();
    await page.getByRole("button", { name: "New run" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Prompt").fill("Say hello from the dashboard");
    await dialog.getByLabel("Agent", { exact: true }).selectOption({ label: "Nightly bot" });
    await dialog.getByLabel("Environment", { exact: true }).selectOption({ label: "busybox-env" });
    await dialog.getByLabel("Harness").selectOption("command");
    await dialog.getByLabel("Command", { exact: true }).fill("echo hello");
    await dialog.getByLabel("Title").fill("Dashboard hello");
    await dialog.getByRole("button", { name: "Start run" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: "Dashboard hello" }).waitFor();
    const details = await page.locator(".facts").first().textContent();
    expect(details).toContain("Nightly bot");
    expect(details).toContain("busybox-env");
    expect(details).toContain("Web app");
    await screenshot(page, "05-run-detail");

    const runId = page.url().split("/").at(-1)!;
    const stored = await server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(stored).toMatchObject({ source: "WEB_APP", executorKind: "service_account" });
    expect(stored.agentConfig).toMatchObject({ harness: { type: "command", command: "echo hello" } });
  });

  it("filters the list by status and source, in the URL, surviving a reload", async () => {
    const failedCli = await apiRun("Failed from the CLI", "CLI");
    await moveRunTo(server.database.db, failedCli, "FAILED");
    const failedApi = await apiRun("Failed from the API", "API");
    await moveRunTo(server.database.db, failedApi, "ERROR");
    const okCli = await apiRun("Succeeded from the CLI", "CLI");
    await moveRunTo(server.database.db, okCli, "SUCCEEDED");

    await nav("Runs").click();
    await expect.poll(rowTitles).toContain("Succeeded from the CLI");
    await screenshot(page, "02-runs");

    await page.getByRole("button", { name: "Failed", exact: true }).click();
    await expect.poll(rowTitles).toEqual(["Failed from the API", "Failed from the CLI"]);
    await page.getByLabel("Source").selectOption("CLI");
    await expect.poll(rowTitles).toEqual(["Failed from the CLI"]);
    expect(new URL(page.url()).search).toBe("?status=failed&source=CLI");
    await screenshot(page, "02-runs-filtered");

    await page.reload();
    await expect.poll(rowTitles).toEqual(["Failed from the CLI"]);
    expect(await page.getByRole("button", { name: "Failed", exact: true }).getAttribute("aria-pressed")).toBe("true");

    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(rowTitles).toContain("Succeeded from the CLI");
  });

  it("shows new runs and state changes without a reload", async () => {
    await page.goto(`${server.origin}/runs`);
    await page.locator("a.run-row").first().waitFor();
    const runId = await apiRun("Appears by itself");
    const row = page.locator(`a.run-row[data-run-id="${runId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain("Queued");
    await moveRunTo(server.database.db, runId, "SUCCEEDED");
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain("Success");
  });

  it("creates an API key shown once, which works, then deletes it", async () => {
    await nav("Settings").click();
    await page.getByLabel("Key name").fill("e2e key");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!;
    expect(key).toMatch(/^wk-/);
    const row = page.locator('tr[data-key-name="e2e key"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(`wk-**${key.slice(-4)}`);
    expect(await row.textContent()).not.toContain(key);
    await screenshot(page, "06-settings-api-keys");

    expect((await call(server, "GET", "/whoami", { key })).status).toBe(200);
    await row.getByRole("button", { name: "Delete" }).click();
    await row.getByRole("button", { name: "Yes" }).click();
    await row.waitFor({ state: "detached" });
    expect((await call(server, "GET", "/whoami", { key })).status).toBe(401);
  });

  it("shows secrets by name only, replaces a value in place, and shows the team's members", async () => {
    await page.getByRole("tab", { name: "Secrets" }).click();
    await page.getByLabel("Secret name").fill("NPM_TOKEN");
    await page.getByLabel("Secret value").fill("super-secret-value");
    await page.getByRole("button", { name: "Add secret" }).click();
    await page.getByRole("cell", { name: "NPM_TOKEN" }).waitFor();
    expect(await page.content()).not.toContain("super-secret-value");
    const before = await server.database.db.secret.findFirstOrThrow({ where: { name: "NPM_TOKEN" } });
    const row = page.locator('tr[data-secret="NPM_TOKEN"]');
    await row.getByRole("button", { name: "Replace value" }).click();
    await row.getByLabel("New value for NPM_TOKEN").fill("rotated-secret-value");
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByRole("status").waitFor();
    const after = await server.database.db.secret.findFirstOrThrow({ where: { name: "NPM_TOKEN" } });
    expect(Buffer.compare(after.ciphertext, before.ciphertext)).not.toBe(0);
    expect(await page.content()).not.toContain("rotated-secret-value");
    await screenshot(page, "07-settings-secrets");
    await page.getByRole("tab", { name: "Members" }).click();
    await page.getByRole("cell", { name: server.adminEmail }).waitFor();
    await screenshot(page, "08-settings-members");
  });

  it("works at phone width", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      storageState: await context.storageState(),
    });
    try {
      const small = await phone.newPage();
      await small.goto(`${server.origin}/runs`);
      await small.locator("a.run-row").first().waitFor();
      // The page starts right under the bar, and with the filters folded the first run is on the first screen.
      const bar = (await small.locator(".sidebar").boundingBox())!;
      const heading = (await small.getByRole("heading", { name: "Runs", exact: true }).boundingBox())!;
      expect(heading.y - (bar.y + bar.height)).toBeLessThan(40);
      expect(await small.getByLabel("Source").isVisible()).toBe(false);
      const firstRow = (await small.locator("a.run-row").first().boundingBox())!;
      expect(firstRow.y + firstRow.height).toBeLessThan(844);
      await small.getByRole("button", { name: "Filters" }).click();
      expect(await small.getByLabel("Source").isVisible()).toBe(true);
      const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(small, "09-phone-runs");
      await small.locator("a.run-row").first().click();
      await small.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
      await small.getByRole("tab", { name: "Conversation" }).waitFor();
      expect(await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await screenshot(small, "10-phone-run-detail");
    } finally {
      await phone.close();
    }
  });

  it("answers an unknown address with the app's own page, titled as such", async () => {
    const res = await page.goto(`${server.origin}/no-such-page`);
    expect(res?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    expect(await page.title()).toBe("Page not found · Oz");
    await nav("Runs").waitFor();
  });

  it("gives every page its own title, a skip link and a visible keyboard focus", async () => {
    for (const [link, title] of [
      ["Agents", "Agents · Oz"],
      ["Environments", "Environments · Oz"],
      ["Runs", "Runs · Oz"],
    ] as const) {
      await nav(link).click();
      await expect.poll(() => page.title()).toBe(title);
    }
    // The first Tab on a freshly opened page reaches the skip link.
    await page.reload();
    await page.getByRole("heading", { name: "Runs", exact: true }).waitFor();
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.getByLabel("Search").focus();
    const outline = await page.locator(".search").evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe("solid");
  });

  it("opens an environment's page with the runs that used it", async () => {
    await nav("Environments").click();
    await page.getByRole("link", { name: "busybox-env" }).click();
    await page.waitForURL(/\/environments\/[^/]+$/);
    await page.getByRole("heading", { name: "busybox-env" }).waitFor();
    await page.getByText("Runs in this environment").waitFor();
    await expect.poll(() => page.title()).toBe("busybox-env · Environments · Oz");
  });

  it("keeps warm sandboxes for an environment, and stops keeping them", async () => {
    const warmPool = async () => {
      const list = await call(server, "GET", "/agent/environments", { key: server.team.apiKey });
      return list.json.environments[0].config.warm_pool;
    };
    const setWarmSandboxes = async (value: string) => {
      await page.getByRole("button", { name: "Edit" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Warm sandboxes").fill(value);
      await dialog.getByRole("button", { name: "Save" }).click();
      await dialog.waitFor({ state: "detached" });
    };
    const shown = page.locator("dt:text-is('Warm sandboxes') + dd");

    await setWarmSandboxes("2");
    await expect.poll(() => shown.textContent()).toBe("2 kept ready");
    expect(await warmPool()).toEqual({ size: 2 });

    await setWarmSandboxes("");
    await expect.poll(() => shown.textContent()).toBe("None");
    expect(await warmPool()).toBeUndefined();
  });

  it("takes a screenshot of every page at desktop and phone size", async () => {
    const env = await call(server, "GET", "/agent/environments", { key: server.team.apiKey });
    const envId = env.json.environments[0].uid as string;
    const runs = await call(server, "GET", "/agent/runs", { key: server.team.apiKey });
    const runId = runs.json.runs[0].run_id as string;
    const pages = {
      runs: "/runs",
      "run-detail": `/runs/${runId}`,
      agents: "/agents",
      environments: "/environments",
      "environment-detail": `/environments/${envId}`,
      schedules: "/schedules",
      settings: "/settings",
      usage: "/usage",
      "not-found": "/no-such-page",
    };
    for (const [size, viewport, colorScheme] of [
      ["desktop", { width: 1440, height: 900 }, "light"],
      ["phone", { width: 390, height: 844 }, "light"],
      ["desktop-dark", { width: 1440, height: 900 }, "dark"],
    ] as const) {
      const ctx = await browser.newContext({ viewport, colorScheme, storageState: await context.storageState() });
      try {
        const p = await ctx.newPage();
        for (const [name, path] of Object.entries(pages)) {
          await p.goto(`${server.origin}${path}`);
          await p.locator("main h1").first().waitFor();
          await p.waitForLoadState("networkidle");
          expect(
            await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
            name,
          ).toBeLessThanOrEqual(0);
          await screenshot(p, `30-${name}-${size}`);
        }
        // Dark mode follows the system setting.
        const background = await p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        const [r = 0, g = 0, b = 0] = background.match(/\d+/g)!.map(Number);
        expect(r + g + b < 150, `${size} background ${background}`).toBe(colorScheme === "dark");
      } finally {
        await ctx.close();
      }
    }
  });

  it("shows a missing run as a problem, not a blank page", async () => {
    await page.goto(`${server.origin}/runs/00000000-0000-4000-8000-000000000000`);
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("not found");
  });

  it("signs out, and the session no longer opens the dashboard", async () => {
    await page.goto(`${server.origin}/runs`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${server.origin}/settings`);
    await page.waitForURL(/\/login\?next=%2Fsettings/);
    expect((await context.cookies()).find((c) => c.name === "oz_session")).toBeUndefined();
  });
});
