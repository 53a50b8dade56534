import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchBrowser, screenshot, signIn } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

const RUNS = 100_000;

let server: DashboardServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
  const { db } = server.database;
  const { teamId, userId } = server.team;
  // One statement: 100,000 runs a second apart, in every end state and from three sources.
  await db.$executeRaw`
    INSERT INTO runs (id, team_id, title, prompt, state, source, creator_kind, creator_id, executor_kind, executor_id,
                      agent_config, conversation_id, run_time_ms, started_at, created_at, updated_at)
    SELECT gen_random_uuid(), ${teamId}, 'Seeded run #' || g, 'seeded prompt ' || g,
           (ARRAY['SUCCEEDED','FAILED','ERROR','CANCELLED'])[1 + g % 4]::"RunState",
           (ARRAY['API','CLI','WEB_APP'])[1 + g % 3], 'user', ${userId}, 'user', ${userId},
           '{}'::jsonb, gen_random_uuid(), (g % 600) * 1000, now() - g * interval '1 second',
           now() - g * interval '1 second', now() - g * interval '1 second'
      FROM generate_series(1, ${RUNS}::int) AS g`;
  await db.$executeRaw`ANALYZE runs`;
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(page, server.origin, server.adminEmail, ADMIN_PASSWORD);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Milliseconds from navigating to `path` until the first run row is on screen. */
async function timeToFirstRow(path: string) {
  const started = performance.now();
  await page.goto(`${server.origin}${path}`);
  await page.locator("a.run-row").first().waitFor();
  return performance.now() - started;
}

it(`shows the first page of ${RUNS.toLocaleString("en")} runs within a second, filtered or not`, async () => {
  await timeToFirstRow("/runs"); // warm-up: Chromium's caches, the server's first queries
  const plain = await timeToFirstRow("/runs");
  const filtered = await timeToFirstRow("/runs?status=failed&source=CLI");
  console.log(
    `runs page, first page of ${RUNS} runs: ${plain.toFixed(0)} ms; filtered by status and source: ${filtered.toFixed(0)} ms`,
  );
  expect(plain).toBeLessThanOrEqual(1000);
  expect(filtered).toBeLessThanOrEqual(1000);
  expect(await page.locator("a.run-row").count()).toBe(50);
  await screenshot(page, "11-runs-100k-filtered");
});

it("scrolls on to older runs page by page", async () => {
  await page.goto(`${server.origin}/runs`);
  await page.locator("a.run-row").first().waitFor();
  await page.getByRole("button", { name: "Load more" }).scrollIntoViewIfNeeded();
  await expect.poll(() => page.locator("a.run-row").count()).toBeGreaterThanOrEqual(100);
  expect(await page.locator("a.run-row .run-title").nth(99).textContent()).toBe("Seeded run #100");
});
