import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser, screenshotOnFailure, signIn } from "./browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./dashboard-server.ts";

export interface SignedInDashboard {
  server: DashboardServer;
  /** A desktop-sized page signed in as the team's admin. */
  page: Page;
}

/**
 * For a whole test file: a dashboard server (started with `args`) and a page signed in as its admin, made before
 * the file's tests, a screenshot of the page after each failing test, both closed after. The fields are set once
 * `beforeAll` has run, so read them inside tests.
 */
export function signedInDashboard(...args: Parameters<typeof startDashboardServer>): SignedInDashboard {
  const dashboard = {} as SignedInDashboard;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [dashboard.server, browser] = await Promise.all([startDashboardServer(...args), launchBrowser()]);
    dashboard.page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(dashboard.page, dashboard.server.origin, dashboard.server.adminEmail, ADMIN_PASSWORD);
  }, 120_000);
  screenshotOnFailure(() => dashboard.page);
  afterAll(async () => {
    await browser?.close();
    await dashboard.server?.close();
  });
  return dashboard;
}
