import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../api/test/support/test-server.ts";
import { launchBrowser, screenshot, screenshotOnFailure, signIn } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

let server: DashboardServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(page, server.origin, server.adminEmail, ADMIN_PASSWORD);
}, 120_000);
screenshotOnFailure(() => page);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const budgetOverApi = async () => (await call(server, "GET", "/team/budget", { key: server.team.apiKey })).json;

describe("the team budget in the dashboard", () => {
  it("lets an admin set the monthly limit, which the API then enforces, and remove it", async () => {
    await page.goto(`${server.origin}/settings?tab=budget`);
    const status = page.getByRole("status", { name: "Spending this month" });
    await status.getByText("no limit").waitFor();

    await page.getByLabel("Monthly limit (USD)").fill("25.5");
    await page.getByRole("button", { name: "Set limit" }).click();
    await status.getByText("of $25.50").waitFor();
    expect((await budgetOverApi()).monthly_limit_usd).toBe(25.5);
    await screenshot(page, "settings-budget");

    // A limit of zero is spent at once: the API refuses new runs, and the page says so.
    await page.getByLabel("Monthly limit (USD)").fill("0");
    await page.getByRole("button", { name: "Set limit" }).click();
    await status.getByText("Budget reached").waitFor();
    const refused = await call(server, "POST", "/agent/runs", { key: server.team.apiKey, body: { prompt: "p" } });
    expect(refused.status).toBe(403);
    expect(refused.json.title).toBe("Monthly spending budget of $0 has been reached.");

    await page.getByRole("button", { name: "Remove limit" }).click();
    await status.getByText("no limit").waitFor();
    expect((await budgetOverApi()).monthly_limit_usd).toBeNull();
  });
});
