import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox, loadSecretsForRun } from "@oz/secrets";
import { expectProblem } from "./support/expect-problem.ts";
import { agentKey, createMember } from "./support/run-fixtures.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

let server: TestServer;
let admin: string;
let member: string;
let bot: string;
let globex: string;

/** Every response body and header this test saw; no secret value may ever be in any of them. */
const seen: string[] = [];
const VALUES = ["ghp_FirstValue_0001", "ghp_SecondValue_0002", "ghp_Rotated_0003", "sk_live_globex_0004"];

async function api(method: string, path: string, key: string | null, body?: unknown, rawBody?: string) {
  const res = await call(server, method, path, {
    key,
    body,
    ...(rawBody !== undefined && { rawBody, headers: { "content-type": "application/json" } }),
  });
  seen.push(res.text, JSON.stringify([...res.headers]));
  return res;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = server.team.apiKey;
  member = (await createMember(server.database.db, server.team.teamId)).apiKey;
  bot = await agentKey(server.database.db, server.team.teamId, server.team.defaultAgentId);
  globex = server.otherTeam.apiKey;
});
afterAll(async () => {
  for (const text of seen) for (const value of VALUES) expect(text).not.toContain(value);
  await server.close();
});

describe("team secrets API", () => {
  it("creates a secret and answers with everything but its value", async () => {
    const res = await api("POST", "/secrets", admin, {
      name: "GITHUB_TOKEN",
      value: VALUES[0],
      description: "CI token",
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      name: "GITHUB_TOKEN",
      description: "CI token",
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
  });

  it("lists the team's secrets by name, without values", async () => {
    await api("POST", "/secrets", member, { name: "NPM_TOKEN", value: VALUES[1] });
    const res = await api("GET", "/secrets", bot);
    expect(res.status).toBe(200);
    expect(res.json.secrets.map((s: { name: string }) => s.name)).toEqual(["GITHUB_TOKEN", "NPM_TOKEN"]);
    expect(res.json.secrets[1]).toEqual({
      name: "NPM_TOKEN",
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("keeps values encrypted at rest", async () => {
    const rows = await server.database.db.$queryRaw<{ ciphertext: Uint8Array }[]>`SELECT ciphertext FROM secrets`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const value of VALUES) expect(Buffer.from(row.ciphertext).includes(value)).toBe(false);
    }
    const box = createSecretBox(server.masterKey);
    expect(await loadSecretsForRun(server.database.db, box, server.team.teamId, ["GITHUB_TOKEN"])).toEqual({
      GITHUB_TOKEN: VALUES[0],
    });
  });

  it("refuses a second secret of the same name as a non-retryable invalid request", async () => {
    const res = await api("POST", "/secrets", admin, { name: "GITHUB_TOKEN", value: VALUES[1] });
    const problem = expectProblem(res, 400, "invalid_request");
    expect(problem.detail).toMatch(/GITHUB_TOKEN already exists; replace it with PUT/);
  });

  it("replaces a value with PUT, keeping the description", async () => {
    const res = await api("PUT", "/secrets/GITHUB_TOKEN", admin, { value: VALUES[2] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: "GITHUB_TOKEN", description: "CI token" });
    const box = createSecretBox(server.masterKey);
    expect(await loadSecretsForRun(server.database.db, box, server.team.teamId, ["GITHUB_TOKEN"])).toEqual({
      GITHUB_TOKEN: VALUES[2],
    });
  });

  it("validates names and values without ever echoing the value", async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: "1BAD", value: VALUES[0] }, /environment variable name/],
      [{ name: "has-dash", value: VALUES[0] }, /environment variable name/],
      [{ name: "OZ_RUN_ID", value: VALUES[0] }, /reserved for the platform/],
      [{ name: "A".repeat(129), value: VALUES[0] }, /at most 128 characters/],
      [{ name: "EMPTY", value: "" }, /value is required/],
      [{ name: "HUGE", value: VALUES[0] + "x".repeat(64 * 1024) }, /at most 64 KiB/],
      [{ name: "NUL", value: `${VALUES[0]}\u0000` }, /NUL/],
      [{ value: VALUES[0] }, /name/],
    ];
    for (const [body, message] of cases) {
      const problem = expectProblem(await api("POST", "/secrets", admin, body), 400, "invalid_request");
      expect(problem.detail).toMatch(message);
    }
    expectProblem(await api("PUT", "/secrets/not-valid", admin, { value: VALUES[0] }), 400, "invalid_request");
  });

  it("does not quote a malformed body back, even when the value is unquoted", async () => {
    for (const raw of [`{"name":"X","value":${VALUES[0]}}`, `{"name":"X","value":"${VALUES[0]}"`]) {
      const res = await api("POST", "/secrets", admin, undefined, raw);
      expectProblem(res, 400, "invalid_request");
      expect(res.text).not.toContain("ghp_"); // not even the start of it
    }
  });

  it("lets cloud agents list secrets but not create, replace or delete them", async () => {
    expectProblem(await api("POST", "/secrets", bot, { name: "BOT_MADE", value: VALUES[1] }), 403, "not_authorized");
    expectProblem(await api("PUT", "/secrets/NPM_TOKEN", bot, { value: VALUES[2] }), 403, "not_authorized");
    expectProblem(await api("DELETE", "/secrets/NPM_TOKEN", bot), 403, "not_authorized");
    expectProblem(await api("GET", "/secrets", null), 401, "authentication_required");
  });

  it("keeps teams apart: another team neither sees, replaces nor deletes them", async () => {
    expect((await api("GET", "/secrets", globex)).json.secrets).toEqual([]);
    expectProblem(await api("DELETE", "/secrets/GITHUB_TOKEN", globex), 404, "resource_not_found");
    // The same name in another team is that team's own secret.
    expect((await api("PUT", "/secrets/GITHUB_TOKEN", globex, { value: VALUES[3] })).status).toBe(200);
    const box = createSecretBox(server.masterKey);
    const db = server.database.db;
    expect(await loadSecretsForRun(db, box, server.team.teamId, ["GITHUB_TOKEN"])).toEqual({ GITHUB_TOKEN: VALUES[2] });
    expect(await loadSecretsForRun(db, box, server.otherTeam.teamId, ["GITHUB_TOKEN"])).toEqual({
      GITHUB_TOKEN: VALUES[3],
    });
  });

  it("deletes a secret by name; deleting it again is 404", async () => {
    const res = await api("DELETE", "/secrets/NPM_TOKEN", member);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect((await api("GET", "/secrets", admin)).json.secrets.map((s: { name: string }) => s.name)).toEqual([
      "GITHUB_TOKEN",
    ]);
    const problem = expectProblem(await api("DELETE", "/secrets/NPM_TOKEN", admin), 404, "resource_not_found");
    expect(problem.detail).toBe("secret NPM_TOKEN not found");
  });
});
