import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../api/test/support/test-server.ts";
import { OzCli } from "./support/oz.ts";

let server: TestServer;
let oz: OzCli;

beforeAll(async () => {
  server = await startTestServer();
  oz = await OzCli.create(server.baseUrl, server.team.apiKey);
});

afterAll(async () => {
  await oz?.cleanup();
  await server?.close();
});

describe("oz schedule", () => {
  it("creates, shows, lists, changes, pauses, resumes and deletes a schedule", async () => {
    const created = await oz.run([
      "schedule",
      "create",
      "-n",
      "nightly tests",
      "--cron",
      "0 6 * * 1-5",
      "--prompt",
      "Run the test suite",
      "--metadata",
      "suite=nightly",
      "--mode",
      "plan",
      "--output-format",
      "json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const schedule = created.json();
    expect(schedule).toMatchObject({
      name: "nightly tests",
      cron_schedule: "0 6 * * 1-5",
      enabled: true,
      prompt: "Run the test suite",
      metadata: { suite: "nightly" },
      mode: "plan",
    });

    const shown = await oz.run(["schedule", "get", schedule.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^Cron \(UTC\)\s+0 6 \* \* 1-5$/m);
    expect(shown.stdout).toMatch(/^Next run\s+\S+T06:00:00\.000Z$/m);

    const listed = await oz.run(["schedule", "list", "--output-format", "text"]);
    expect(listed.stdout).toContain(`${schedule.id}\tnightly tests\t0 6 * * 1-5`);

    // update changes only what it is given; the rest (prompt, metadata, mode) stays.
    const updated = await oz.run([
      "schedule",
      "update",
      schedule.id,
      "--cron",
      "30 7 * * *",
      "--output-format",
      "json",
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({
      cron_schedule: "30 7 * * *",
      name: "nightly tests",
      prompt: "Run the test suite",
      metadata: { suite: "nightly" },
      mode: "plan",
    });

    const paused = await oz.run(["schedule", "pause", schedule.id, "--output-format", "json"]);
    expect(paused.json()).toMatchObject({ enabled: false, history: { next_run: null } });
    const resumed = await oz.run(["schedule", "resume", schedule.id, "--output-format", "json"]);
    expect(resumed.json().enabled).toBe(true);

    expect((await oz.run(["schedule", "delete", schedule.id])).code).toBe(0);
    const gone = await oz.run(["schedule", "get", schedule.id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("not found");
  });

  it("reports an invalid cron expression on stderr, naming the field", async () => {
    const result = await oz.run(["schedule", "create", "-n", "bad", "--cron", "0 9 * *", "--prompt", "x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cron_schedule");
    expect(result.stdout).toBe("");
  });
});
