import { loadModelCatalogue } from "@oz/llm";
import { startFakeLlm, type FakeLlm } from "@oz/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addTeamMember } from "../../api/test/support/members.ts";
import { call, createRun, startTestPlatform, waitForState, type TestPlatform } from "./support/platform.ts";

let platform: TestPlatform;
let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm({ apiKey: "sk-fake" });
  // 100 tokens in at $1000/Mtok and 20 out at $5000/Mtok (the fake's usage of every answer): $0.20 a turn.
  const models = loadModelCatalogue({
    OZ_MODELS: JSON.stringify([
      {
        id: "pricey",
        provider: "openai",
        base_url: fake.openaiBaseUrl,
        api_key_env: "FAKE_LLM_KEY",
        input_price_per_mtok: 1000,
        output_price_per_mtok: 5000,
      },
    ]),
    OZ_DEFAULT_MODEL: "pricey",
    FAKE_LLM_KEY: "sk-fake",
  });
  platform = await startTestPlatform({}, { models });
});
afterAll(async () => {
  await platform.close();
  await fake.close();
});

const setBudget = (key: string, monthly_limit_usd: number | null) =>
  call(platform.server, "PUT", "/team/budget", { key, body: { monthly_limit_usd } });

const runCount = () => platform.server.database.db.run.count({ where: { teamId: platform.server.team.teamId } });

describe("a team's monthly spending budget", () => {
  it("only admins set it, in dollars and cents", async () => {
    const member = await addTeamMember(platform.server, platform.server.team.teamId, "member");
    const refused = await setBudget(member.apiKey, 10);
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toBe("only team admins may change the team's budget");

    const fractional = await setBudget(platform.key, 1.234);
    expect(fractional.status).toBe(400);
    expect(fractional.json.detail).toContain("monthly_limit_usd");

    const read = await call(platform.server, "GET", "/team/budget", { key: member.apiKey });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ monthly_limit_usd: null, spent_usd: 0 });
    expect(read.json.period_start).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
  });

  it("stops an oz agent run before the model turn past the budget, then refuses new runs with 403", async () => {
    expect((await setBudget(platform.key, 0.5)).json.monthly_limit_usd).toBe(0.5);
    const shell = (command: string) => ({ toolCalls: [{ name: "run_shell", arguments: { command } }] });
    fake.script(shell("echo one"), shell("echo two"), shell("echo three"), shell("echo four"));
    const requestsBefore = fake.requests.length;

    const runId = await createRun(platform, { prompt: "Count to four, one command at a time." });
    const run = await waitForState(platform, runId, undefined, 60_000);

    // $0.20, $0.40, $0.60: the fourth turn would start past the $0.50 budget, so it is never asked for.
    expect(fake.requests.length - requestsBefore).toBe(3);
    expect(run.state).toBe("FAILED");
    expect(run.status_message).toMatchObject({
      error_code: "budget_exceeded",
      message: "Monthly spending budget of $0.50 has been reached. The agent was stopped before its next model turn.",
    });
    expect(run.request_usage?.inference_cost_usd).toBeCloseTo(0.6, 6);
    const budget = await call(platform.server, "GET", "/team/budget", { key: platform.key });
    expect(budget.json).toMatchObject({ monthly_limit_usd: 0.5, spent_usd: 0.6 });

    const before = await runCount();
    const refused = await call(platform.server, "POST", "/agent/runs", {
      key: platform.key,
      body: { prompt: "one more", config: { harness: { type: "command", command: "true" } } },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.headers.get("x-should-retry")).toBe("false");
    expect(refused.json).toMatchObject({
      title: "Monthly spending budget of $0.50 has been reached.",
      status: 403,
      retryable: false,
    });
    expect(refused.json.type).toMatch(/\/budget_exceeded$/);
    expect(await runCount()).toBe(before); // nothing was created

    // Another team's runs are not held back; raising the budget lets this team's runs start again.
    const other = await call(platform.server, "POST", "/agent/runs", {
      key: platform.server.otherTeam.apiKey,
      body: { prompt: "p", config: { harness: { type: "command", command: "true" } } },
    });
    expect(other.status).toBe(200);
    expect((await setBudget(platform.key, 5)).status).toBe(200);
    const again = await call(platform.server, "POST", "/agent/runs", {
      key: platform.key,
      body: { prompt: "one more", config: { harness: { type: "command", command: "true" } } },
    });
    expect(again.status).toBe(200);
    await waitForState(platform, again.json.run_id as string);
  });
});
