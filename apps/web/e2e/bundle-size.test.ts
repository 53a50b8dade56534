import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, signIn } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, WEB_DIST, type DashboardServer } from "./support/dashboard-server.ts";

/** The budget for the JavaScript a first visit to the runs page downloads, gzipped. */
const BUDGET_BYTES = 300 * 1024;

let server: DashboardServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it("keeps the JavaScript of the initial route within 300 KB gzipped", async () => {
  const page = await browser.newPage();
  await signIn(page, server.origin, server.adminEmail, ADMIN_PASSWORD);
  // A fresh visit to the runs page, as a reload or a shared link makes it: every script it loads.
  const fresh = await browser.newPage({ storageState: await page.context().storageState() });
  const scripts = new Set<string>();
  fresh.on("response", (res) => {
    const path = new URL(res.url()).pathname;
    if (path.startsWith("/assets/") && path.endsWith(".js")) scripts.add(path.slice("/assets/".length));
  });
  await fresh.goto(`${server.origin}/runs`);
  await fresh.getByRole("heading", { name: "Runs", exact: true }).waitFor();
  await fresh.waitForLoadState("networkidle");

  let total = 0;
  const lines: string[] = [];
  for (const file of [...scripts].sort()) {
    const gzipped = gzipSync(await readFile(`${WEB_DIST}assets/${file}`), { level: 9 }).length;
    total += gzipped;
    lines.push(`  ${file}: ${(gzipped / 1024).toFixed(1)} KB`);
  }
  console.log(
    `initial route /runs: ${scripts.size} scripts, ${(total / 1024).toFixed(1)} KB gzipped\n${lines.join("\n")}`,
  );
  expect(scripts.size).toBeGreaterThan(0);
  expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
});
