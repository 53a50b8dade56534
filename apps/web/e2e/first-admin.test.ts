import { readFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiProcess, type ApiProcess } from "./support/api-process.ts";
import { launchBrowser, screenshot, screenshotOnFailure } from "./support/browser.ts";

let api: ApiProcess;
let browser: Browser;
let page: Page;
let setupUrl: string;

beforeAll(async () => {
  [api, browser] = await Promise.all([startApiProcess(), launchBrowser()]);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});
screenshotOnFailure(() => page);
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

describe("the first hour: a fresh instance in a real browser", () => {
  it("prints a one-time setup link in its log, in a banner and in the token file", async () => {
    const line = await api.waitForLine(/"setup_url"/);
    setupUrl = (JSON.parse(line) as { setup_url: string }).setup_url;
    expect(setupUrl).toMatch(new RegExp(`^${api.origin}/setup\\?token=[A-Za-z0-9_-]{43}$`));
    expect(api.output()).toContain(`  ${setupUrl}\n`); // the plain banner
    expect((await readFile(api.setupTokenFile, "utf8")).trim()).toBe(setupUrl);
  });

  it("points a visitor of the sign-in page at the setup link", async () => {
    await page.goto(`${api.origin}/login`);
    await page.getByText("No account exists yet").waitFor();
    await screenshot(page, "accounts-01-sign-in-before-setup");
  });

  it("creates the team and its admin, signs in and shows the first API key once", async () => {
    await page.goto(setupUrl);
    await page.getByLabel("Team name").fill("Platform");
    await page.getByLabel("Your name").fill("Grace Hopper");
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByLabel("Password").fill("a long first password");
    await screenshot(page, "accounts-02-setup");
    await page.getByRole("button", { name: "Create admin" }).click();
    const key = (await page.getByTestId("first-api-key").textContent())!;
    expect(key).toMatch(/^wk-/);
    await screenshot(page, "accounts-03-first-api-key");

    const whoami = await fetch(`${api.origin}/api/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
    expect(await whoami.json()).toMatchObject({
      email: "grace@example.com",
      role: "admin",
      team: { name: "Platform" },
    });

    await page.getByRole("button", { name: "Continue to the dashboard" }).click();
    await page.waitForURL(`${api.origin}/runs`);
    await page.getByText("Grace Hopper").waitFor();
    // The key is nowhere to be seen again.
    await page.goto(`${api.origin}/settings`);
    await page.locator("td.mono").first().waitFor();
    expect(await page.content()).not.toContain(key);
  });

  it("refuses the link a second time, and /setup is a 404 from now on", async () => {
    const again = await browser.newPage();
    try {
      const response = await again.goto(setupUrl);
      expect(response?.status()).toBe(404);
      await again.getByText("Setup is done").waitFor();
    } finally {
      await again.close();
    }
    const token = new URL(setupUrl).searchParams.get("token");
    const reuse = await fetch(`${api.origin}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-oz-csrf": "1" },
      body: JSON.stringify({ token, team_name: "x", display_name: "x", email: "x@example.com", password: "12345678" }),
    });
    expect(reuse.status).toBe(404);
    expect((await fetch(`${api.origin}/setup`)).status).toBe(404);
    expect((await fetch(`${api.origin}/api/v1/setup`)).status).toBe(404);
  });

  it("never logged the token with a request: request lines show it redacted", async () => {
    const token = new URL(setupUrl).searchParams.get("token")!;
    const lines = api.output().split("\n");
    const withToken = lines.filter((l) => l.includes(token));
    // Only the announcement (its log line, the banner and its blank-framed URL) carries it.
    expect(withToken.every((l) => l.includes('"setup_url"') || l.trim() === setupUrl)).toBe(true);
    expect(lines.some((l) => l.includes("token=[REDACTED]"))).toBe(true);
  });
});
