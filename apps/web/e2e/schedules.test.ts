import { describe, expect, it } from "vitest";
import { call } from "../../api/test/support/test-server.ts";
import { screenshot } from "./support/browser.ts";
import { signedInDashboard } from "./support/signed-in-dashboard.ts";

// The API fires schedules with the testing seconds field: `* * * * *` ticks every two seconds, not every minute.
const dashboard = signedInDashboard({}, { schedules: { reconcileIntervalMs: 1_000, secondsField: "*/2" } });

const scheduleOverApi = async (id: string) => {
  const { server } = dashboard;
  return (await call(server, "GET", `/agent/schedules/${id}`, { key: server.team.apiKey })).json;
};

describe("scheduled agents in the dashboard", () => {
  it("creates a schedule with a live cron preview, pauses and resumes it, and follows its runs both ways", async () => {
    const { server, page } = dashboard;
    await page.getByRole("link", { name: "Schedules" }).click();
    await page.getByRole("heading", { name: "Schedules", exact: true }).waitFor();
    await page.getByText("No schedules yet").waitFor();

    await page.getByRole("button", { name: "New schedule" }).click();
    const dialog = page.getByRole("dialog");
    const cron = dialog.getByLabel("Cron schedule");
    const preview = dialog.getByRole("status", { name: "Next fire times" });

    // The preview follows the typing: weekdays at 09:00 UTC, five of them.
    await cron.fill("0 9 * * 1-5");
    const times = preview.getByRole("listitem");
    await expect.poll(() => times.count()).toBe(5);
    for (const time of await times.allTextContents()) {
      expect(time).toMatch(/^(Mon|Tue|Wed|Thu|Fri), \d{1,2} \w{3} \d{4}, 09:00 UTC$/);
    }
    await cron.fill("0 9 * *");
    await expect.poll(() => preview.textContent()).toContain("must have 5 fields");

    // What the API refuses is shown against the field it names.
    await dialog.getByLabel("Name").fill("Nightly triage");
    await dialog.getByLabel("Prompt").fill("Triage the new issues");
    await cron.fill("61 9 * * *");
    await dialog.getByRole("button", { name: "Create schedule" }).click();
    await expect.poll(() => cron.getAttribute("aria-invalid")).toBe("true");
    const cronError = page.locator(`#${await cron.getAttribute("aria-describedby")}`);
    expect(await cronError.textContent()).toMatch(/not a valid cron expression/);
    expect(await preview.textContent()).toBe(""); // said once, against the field
    expect(await dialog.getByLabel("Name").getAttribute("aria-invalid")).toBeNull();
    await screenshot(page, "schedule-dialog-refused");

    // Every minute (every two seconds on this test server).
    await cron.fill("* * * * *");
    await expect.poll(() => times.count()).toBe(5);
    await dialog.getByLabel("Metadata").fill("origin=dashboard");
    await dialog.getByRole("button", { name: "Create schedule" }).click();
    await dialog.waitFor({ state: "detached" });

    const card = page.locator("[data-schedule='Nightly triage']");
    await card.getByText("Active").waitFor();
    expect(await card.locator("dd.mono").first().textContent()).toBe("* * * * *");
    const { schedules } = (await call(server, "GET", "/agent/schedules", { key: server.team.apiKey })).json;
    expect(schedules).toHaveLength(1);
    const id: string = schedules[0].id;
    expect(schedules[0]).toMatchObject({ name: "Nightly triage", metadata: { origin: "dashboard" }, enabled: true });
    await screenshot(page, "schedules-list");

    // Its page: the runs it made arrive by themselves.
    await card.getByRole("link", { name: "Nightly triage" }).click();
    await page.waitForURL(new RegExp(`/schedules/${id}$`));
    const runs = page.getByRole("list", { name: "Runs of this schedule" });
    await runs.locator("[data-run-id]").first().waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator("[data-fact='last-ran']").textContent()).not.toBe("Never");

    // Pause: no next run, and the API agrees; resume: active again.
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => page.locator("[data-fact='next-run']").textContent()).toBe("Paused");
    expect((await scheduleOverApi(id)).enabled).toBe(false);
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => page.locator("[data-fact='next-run']").textContent()).toMatch(/UTC$/);
    expect((await scheduleOverApi(id)).enabled).toBe(true);
    await screenshot(page, "schedule-detail");

    // A run names its schedule and leads back to it.
    await runs.locator("[data-run-id]").first().click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const fact = page.locator("[data-fact='schedule']");
    expect(await fact.textContent()).toContain("Nightly triage");
    await fact.getByRole("link", { name: "Nightly triage" }).click();
    await page.waitForURL(new RegExp(`/schedules/${id}$`));

    // The run list filtered to the schedule from the URL, as the schedule page links it.
    await page.getByRole("link", { name: "Open in Runs" }).click();
    await page.waitForURL(new RegExp(`/runs\\?schedule=${id}$`));
    await page.getByRole("status").getByRole("link", { name: "Nightly triage" }).waitFor();
    await page.locator("[data-run-id]").first().waitFor();
    const ofSchedule = (
      await call(server, "GET", `/agent/runs?schedule_id=${id}&limit=100`, { key: server.team.apiKey })
    ).json.runs.map((r: { run_id: string }) => r.run_id);
    for (const runId of await page
      .locator("[data-run-id]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run-id")))) {
      expect(ofSchedule).toContain(runId);
    }

    // Deleting it from its page leaves the list empty; its runs stay.
    await page.goto(`${server.origin}/schedules/${id}`);
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Yes" }).click();
    await page.waitForURL(/\/schedules$/);
    await page.getByText("No schedules yet").waitFor();
    expect(ofSchedule.length).toBeGreaterThan(0);
  });

  it("shows why a tick made no run (an exhausted budget) on the list, with the schedule still active", async () => {
    const { server, page } = dashboard;
    const key = server.team.apiKey;
    expect((await call(server, "PUT", "/team/budget", { key, body: { monthly_limit_usd: 0 } })).status).toBe(200);
    try {
      const created = await call(server, "POST", "/agent/schedules", {
        key,
        body: { name: "Over budget", cron_schedule: "* * * * *", prompt: "x" },
      });
      expect(created.status, created.text).toBe(200);
      await page.goto(`${server.origin}/schedules`);
      const card = page.locator("[data-schedule='Over budget']");
      const error = card.locator("[data-fact='last-spawn-error']");
      await error.waitFor({ timeout: 15_000 });
      expect(await error.textContent()).toMatch(/^budget_exceeded: /);
      expect(await card.getByText("Active").count()).toBe(1);
      await screenshot(page, "schedules-spawn-error");
      await call(server, "DELETE", `/agent/schedules/${created.json.id}`, { key });
    } finally {
      await call(server, "PUT", "/team/budget", { key, body: { monthly_limit_usd: null } });
    }
  });
});
