import { describe, expect, it } from "vitest";
import { call } from "../../api/test/support/test-server.ts";
import { screenshot } from "./support/browser.ts";
import { signedInDashboard } from "./support/signed-in-dashboard.ts";

const dashboard = signedInDashboard();

const budgetOverApi = async () => {
  const { server } = dashboard;
  return (await call(server, "GET", "/team/budget", { key: server.team.apiKey })).json;
};

describe("the team budget in the dashboard", () => {
  it("lets an admin set the monthly limit, which the API then enforces, and remove it", async () => {
    const { server, page } = dashboard;
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
