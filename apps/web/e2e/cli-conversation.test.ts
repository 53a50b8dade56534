import { startFakeLlm, type FakeLlm } from "@oz/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_PROVIDER_KEY, MODELS } from "../../../packages/harness/src/cli/test-support/cli-run.ts";
import { dockerBridgeGateway } from "../../../packages/harness/src/cli/test-support/cli-sandboxes.ts";
import { cliImage } from "../../../packages/harness/src/cli/test-support/harness-images.ts";
import { writeAndTestSteps } from "../../../packages/harness/src/cli/test-support/scenarios.ts";
import { startTestWorker, type TestWorker } from "../../worker/test/support/test-worker.ts";
import { call } from "../../api/test/support/test-server.ts";
import { launchBrowser, screenshot, signIn, screenshotOnFailure } from "./support/browser.ts";
import { ADMIN_PASSWORD, startDashboardServer, type DashboardServer } from "./support/dashboard-server.ts";

// A Claude Code run (the real CLI in its image, talking to the fake provider) reads like an `oz` run: the
// model's words, each shell command it ran and that command's output.

let fake: FakeLlm;
let server: DashboardServer;
let worker: TestWorker;
let browser: Browser;
let page: Page;
const gateway = dockerBridgeGateway();

beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: FAKE_PROVIDER_KEY, listen: gateway });
  [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
  worker = await startTestWorker(
    server.database.db,
    { queuePrefix: server.queuePrefix, maxRuntimeMs: 120_000 },
    { blobs: server.blobs, masterKey: server.masterKey },
  );
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, server.origin, server.adminEmail, ADMIN_PASSWORD);
});
screenshotOnFailure(() => page);
afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await server?.close();
  await fake?.close();
});

const api = async (method: string, path: string, body: unknown) => {
  const res = await call(server, method, path, { key: server.team.apiKey, body });
  expect(res.status, res.text).toBe(200);
  return res.json;
};

it("shows a Claude Code run's messages, its shell commands and their output", { timeout: 180_000 }, async () => {
  await api("POST", "/secrets", { name: "AGENT_KEY", value: FAKE_PROVIDER_KEY });
  await api("POST", "/secrets", { name: "ANTHROPIC_BASE_URL", value: `http://${gateway}:${fake.port}` });
  const env = await api("POST", "/agent/environments", {
    name: "claude-env",
    docker_image: cliImage("claude"),
    secrets: ["ANTHROPIC_BASE_URL"],
    resources: { cpus: 2, memory_mb: 2048, pids_limit: 512 },
  });
  fake.script(...writeAndTestSteps("claude"));
  const run = await api("POST", "/agent/runs", {
    prompt: "Add a greeting script and test it.",
    title: "Claude greeting",
    config: {
      environment_id: env.uid,
      harness: { type: "claude", model_id: MODELS.claude },
      harness_auth_secrets: { claude_auth_secret_name: "AGENT_KEY" },
    },
  });

  await page.goto(`${server.origin}/runs/${run.run_id}`);
  await expect.poll(() => page.locator(".page-header").textContent(), { timeout: 150_000 }).toContain("Success");
  const transcript = page.getByTestId("transcript");
  await expect.poll(() => transcript.textContent()).toContain("I'll add the greeting script first.");
  const test = page.locator(".tool-step", { hasText: "sh greet.sh" });
  await test.waitFor();
  expect(await test.locator(".tool-name").textContent()).toBe("Shell");
  await test.locator(".tool-head").click();
  await expect.poll(() => test.locator(".tool-body").textContent()).toContain("TEST PASSED");
  await expect.poll(() => transcript.textContent()).toContain("Added greet.sh; its test passes.");
  await screenshot(page, "23-claude-run-conversation-desktop");
});
