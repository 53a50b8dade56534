import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  outputOf,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "../../worker/test/support/platform.ts";
import { OzCli } from "./support/oz.ts";

let platform: TestPlatform;
let oz: OzCli;

beforeAll(async () => {
  platform = await startTestPlatform(
    {},
    { serverOverrides: { oidc: { maxTokenSeconds: 3600, keyRotationMs: 86_400_000 } } },
  );
  // Inside a sandbox there is no API key: only the run's own credential and id.
  oz = await OzCli.create(platform.server.baseUrl, undefined);
});

afterAll(async () => {
  await oz?.cleanup();
  await platform?.close();
});

const rot13 = (text: string) =>
  text.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= "Z" ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });

/** A running run and its credential, which the run prints disguised (the transcript redacts it as it is). */
async function runningRun() {
  const runId = await commandRun(
    platform,
    'printf "LEAK<%s>\\n" "$(printf %s "$OZ_RUN_TOKEN" | tr a-zA-Z n-za-mN-ZA-M)"; sleep 30',
  );
  await waitForState(platform, runId, ["INPROGRESS"]);
  let output = "";
  while (!output.includes("LEAK<")) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    output = outputOf(await transcript(platform, runId));
  }
  return { runId, credential: rot13(/LEAK<([^>]+)>/.exec(output)![1]!) };
}

describe("oz federate issue-token", () => {
  it("prints a token for the run that verifies against the issuer's JWKS; json gives the whole answer", async () => {
    const { runId, credential } = await runningRun();
    try {
      const env = { OZ_RUN_TOKEN: credential, OZ_RUN_ID: runId };
      const text = await oz.run(
        [
          "federate",
          "issue-token",
          "--audience",
          "sts.amazonaws.com",
          "--duration",
          "30m",
          "--subject-template",
          "teams",
          "run_id",
        ],
        { env },
      );
      expect(text.code, text.stderr).toBe(0);
      const token = text.stdout.trim();
      const jwks = createRemoteJWKSet(new URL(`${platform.server.origin}/.well-known/jwks.json`));
      const { payload } = await jwtVerify(token, jwks, { issuer: "http://oz.test", audience: "sts.amazonaws.com" });
      expect(payload.sub).toBe(`teams:${platform.server.team.teamId}:run_id:${runId}`);
      expect(payload.exp! - payload.iat!).toBe(30 * 60);
      expect(text.stderr).toContain(`Token for teams:${platform.server.team.teamId}:run_id:${runId}`);

      const json = await oz.run(["federate", "issue-token", "--audience", "a", "--output-format", "json"], { env });
      expect(json.code, json.stderr).toBe(0);
      expect(json.json()).toMatchObject({
        issuer: "http://oz.test",
        audience: "a",
        subject: `user:${platform.server.team.userId}`,
      });

      const tooLong = await oz.run(["federate", "issue-token", "--audience", "a", "--duration", "2h"], { env });
      expect(tooLong.code).toBe(1);
      expect(tooLong.stderr).toContain("duration: 2h is longer than this server's maximum of 1h");
    } finally {
      await call(platform.server, "POST", `/agent/runs/${runId}/cancel`, { key: platform.key });
    }
  });

  it("says it only works inside a running agent when there is no run credential", async () => {
    const result = await oz.run(["federate", "issue-token", "--run-id", "x", "--audience", "a"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("works only inside a running agent's sandbox: OZ_RUN_TOKEN is not set");
  });
});
