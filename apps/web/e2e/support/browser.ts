import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterEach } from "vitest";

/** Debian's Chromium: test tools never download a browser of their own. */
const CHROMIUM = process.env.OZ_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** `artifacts/screenshots/` at the repository root: CI keeps it for people to look at. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../../../artifacts/screenshots/", import.meta.url));

export const launchBrowser = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: ARGS });

export async function screenshot(page: Page, name: string) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}

/**
 * After each failing test of the file, a screenshot of what the browser showed (`failed-<test name>.png`), for
 * whoever reads the CI output. `page` is read when the test ends, so a page made in `beforeAll` is fine.
 */
export function screenshotOnFailure(page: () => Page | undefined) {
  afterEach(async ({ task }) => {
    const shown = page();
    if (task.result?.state === "fail" && shown) {
      await screenshot(shown, `failed-${task.name.replace(/\W+/g, "-").slice(0, 60)}`);
    }
  });
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, origin: string, email: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/runs/);
}
