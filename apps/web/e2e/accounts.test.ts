import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../api/test/support/test-server.ts";
import { launchBrowser, screenshot, signIn, screenshotOnFailure } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

let server: DashboardServer;
let browser: Browser;
let admin: Page;
let member: Page;
const contexts: BrowserContext[] = [];

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
  await server.database.db.user.update({ where: { id: server.team.userId }, data: { instanceAdmin: true } });
  [admin, member] = await Promise.all([newPage(), newPage()]);
  await signIn(admin, server.origin, server.adminEmail, ADMIN_PASSWORD);
});
screenshotOnFailure(() => admin);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The link the test server's pages show names its public URL (http://oz.test): open it on the real origin. */
const onServer = (link: string) => link.replace("http://oz.test", server.origin);
const membersTab = (page: Page) => page.goto(`${server.origin}/settings?tab=members`);

describe("members in the browser", () => {
  it("invites a member: the admin copies the link, the invitee sets a name and password and is signed in", async () => {
    await membersTab(admin);
    await admin.getByLabel("Email to invite").fill("newbie@example.com");
    await admin.getByRole("button", { name: "Invite" }).click();
    const link = (await admin.getByTestId("invite-link").textContent())!;
    expect(link).toMatch(/\/invite\?token=/);
    await admin.getByText("Waiting invitations").waitFor();
    await screenshot(admin, "accounts-04-invite-link");

    await member.goto(onServer(link));
    await member.getByRole("heading", { name: "Join acme" }).waitFor();
    await member.getByLabel("Your name").fill("Newbie");
    await member.getByLabel("Password").fill("newbie's password");
    await screenshot(member, "accounts-05-accept-invite");
    await member.getByRole("button", { name: "Join acme" }).click();
    await member.waitForURL(`${server.origin}/runs`);
    await member.getByText("Newbie", { exact: true }).waitFor();

    // A member sees the team but not the admin's controls.
    await membersTab(member);
    await member.locator('[data-member="newbie@example.com"]').waitFor();
    expect(await member.getByLabel("Email to invite").count()).toBe(0);
    expect(await member.getByRole("button", { name: "Remove" }).count()).toBe(0);
  });

  it("changes the member's role, then removes them: their open dashboard is signed out", async () => {
    await membersTab(admin);
    const row = admin.locator('[data-member="newbie@example.com"]');
    await row.getByLabel("Role of newbie@example.com").selectOption("admin");
    await expect.poll(() => server.database.db.membership.count({ where: { role: "admin" } })).toBe(3); // two teams' admins + newbie
    await row.getByLabel("Role of newbie@example.com").selectOption("member");
    await expect.poll(() => server.database.db.membership.count({ where: { role: "admin" } })).toBe(2);

    await row.getByRole("button", { name: "Remove" }).click();
    await row.getByRole("button", { name: "Yes" }).click();
    await row.waitFor({ state: "detached" });

    await member.goto(`${server.origin}/runs`);
    await member.waitForURL(/\/login/);
  });

  it("changes the admin's own password; another browser signed in as the admin is signed out", async () => {
    const elsewhere = await newPage();
    await signIn(elsewhere, server.origin, server.adminEmail, ADMIN_PASSWORD);
    await admin.goto(`${server.origin}/settings?tab=password`);
    await admin.getByLabel("Current password").fill(ADMIN_PASSWORD);
    await admin.getByLabel("New password").fill("a brand new password");
    await admin.getByRole("button", { name: "Change password" }).click();
    await admin.getByText("Password changed").waitFor();
    await elsewhere.goto(`${server.origin}/runs`);
    await elsewhere.waitForURL(/\/login/);
    await signIn(elsewhere, server.origin, server.adminEmail, "a brand new password");
  });
});

describe("teams in the browser", () => {
  it("creates a team, joins it with the existing account, and switches between the teams' runs", async () => {
    await call(server, "POST", "/agent/runs", {
      key: server.team.apiKey,
      body: { prompt: "acme work", title: "Acme run" },
    });
    await admin.goto(`${server.origin}/settings?tab=teams`);
    await admin.getByLabel("Team name").fill("Research");
    await admin.getByLabel("First admin's email").fill(server.adminEmail);
    await admin.getByRole("button", { name: "Create team" }).click();
    const link = (await admin.getByTestId("team-invite-link").textContent())!;
    await admin.locator('[data-team="Research"]').waitFor();
    await screenshot(admin, "accounts-06-teams");

    await admin.goto(onServer(link));
    await admin.getByRole("heading", { name: "Join Research" }).waitFor();
    await admin.getByLabel("Password").fill("a brand new password");
    await admin.getByRole("button", { name: "Join Research" }).click();
    await admin.waitForURL(`${server.origin}/runs`);
    const switcher = admin.getByLabel("Team");
    await expect.poll(() => switcher.inputValue()).not.toBe(server.team.teamId);
    await admin.getByText("No runs yet").waitFor();

    await switcher.selectOption({ label: "acme" });
    await admin.getByText("Acme run").waitFor();
    await screenshot(admin, "accounts-07-team-switcher");
    await switcher.selectOption({ label: "Research" });
    await admin.getByText("No runs yet").waitFor();
  });
});

describe("sign-in pacing in the browser", () => {
  it("shows how long to wait after too many wrong passwords", async () => {
    const page = await newPage();
    await page.goto(`${server.origin}/login`);
    await page.getByLabel("Email").fill("target@example.com");
    await page.getByLabel("Password").fill("wrong");
    for (let i = 0; i < 8; i++)
      await page
        .getByRole("button", { name: "Sign in" })
        .click({ delay: 0 })
        .then(() => page.getByRole("alert").waitFor());
    await expect
      .poll(() => page.getByRole("alert").textContent(), { timeout: 30_000 })
      .toMatch(/try again in \d+ seconds?/);
    await screenshot(page, "accounts-08-sign-in-paced");
  });
});
