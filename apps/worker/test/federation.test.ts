import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerSandboxProvider } from "@oz/sandbox";
import { setUpSandboxIsolation, type SandboxIsolation } from "../src/sandbox-isolation.ts";
import {
  call,
  commandRun,
  createEnvironment,
  outputOf,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

/** Debian with curl: a sandbox obtains its token with nothing but curl and the variables the platform sets. */
const CURL_IMAGE = "oz-test/debian-curl:bookworm";
/** A sandbox network of this file's own, so its firewall (which lets sandboxes reach this API) is nobody else's. */
const NETWORK = "oz-sbx-fed";
const ISSUER = "https://oz.federation.test";
/** A short rotation period, so the rotation test sees a new signing key after a few seconds. */
const ROTATION_MS = 4_000;

/** rot13: the sandbox prints its credential disguised, as a process that leaks it would (redaction cannot know). */
const rot13 = (text: string) =>
  text.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= "Z" ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });

/** Shell: POST to the token endpoint with curl, printing the HTTP status and the body on one line. */
const requestToken = (body: string, runIdExpr = "$OZ_RUN_ID") =>
  `curl -sS -o /tmp/out -w '%{http_code} ' -X POST -H "Authorization: Bearer $OZ_RUN_TOKEN" ` +
  `-H 'content-type: application/json' -d '${body}' "$OZ_API_BASE_URL/agent/runs/${runIdExpr}/federated-token"; ` +
  `cat /tmp/out; echo`;

const leakedCredential = (output: string) => rot13(/LEAK<([^>]+)>/.exec(output)![1]!);

describe("federated identity tokens from a running sandbox", () => {
  let platform: TestPlatform;
  let isolation: SandboxIsolation;
  let environmentId: string;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  beforeAll(async () => {
    const script = fileURLToPath(new URL("../../../scripts/build-test-images.sh", import.meta.url));
    execFileSync(script, ["debian-curl"], { stdio: "inherit" });
    platform = await startTestPlatform(
      {},
      {
        withoutWorker: true,
        host: "0.0.0.0",
        sandboxNetwork: NETWORK,
        serverOverrides: { publicUrl: ISSUER, oidc: { maxTokenSeconds: 2 * 3600, keyRotationMs: ROTATION_MS } },
      },
    );
    const port = new URL(platform.server.origin).port;
    // The usual single-machine case: OZ_PUBLIC_URL is loopback, which no sandbox can reach.
    isolation = await setUpSandboxIsolation(
      new DockerSandboxProvider({ network: NETWORK }),
      { network: NETWORK, firewall: "enforce", allowedCidrs: [], publicUrl: `http://localhost:${port}` },
      pino({ level: "silent" }),
    );
    await platform.addWorker({ sandboxApiUrl: isolation.apiUrl!, allowedCidrs: [] });
    environmentId = await createEnvironment(platform, { docker_image: CURL_IMAGE });
    jwks = createRemoteJWKSet(new URL(`${platform.server.origin}/.well-known/jwks.json`));
  }, 300_000);
  afterAll(async () => {
    isolation?.stop();
    await platform?.close();
  });

  it("publishes the issuer's discovery document", async () => {
    const res = await fetch(`${platform.server.origin}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
  });

  it("gives a sandbox on a loopback-URL server the API at its network's gateway, and nothing else of the host", () => {
    expect(isolation.apiUrl).toMatch(
      new RegExp(`^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${new URL(platform.server.origin).port}/api/v1$`),
    );
  });

  it("issues a token to curl in the sandbox that verifies against the JWKS; refuses too long a duration", async () => {
    const runId = await commandRun(
      platform,
      [
        requestToken(
          '{"audience":"sts.amazonaws.com","duration":"15m","subject_template":["scoped_principal","run_id"]}',
        ),
        requestToken('{"audience":"sts.amazonaws.com","duration":"13h"}'),
        'echo "credential: $OZ_RUN_TOKEN"',
        'printf "LEAK<%s>\\n" "$(printf %s "$OZ_RUN_TOKEN" | tr a-zA-Z n-za-mN-ZA-M)"',
      ].join("; "),
      { environment_id: environmentId },
    );
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    const output = outputOf(await transcript(platform, runId));
    const [granted, tooLong] = output.split("\n").filter((line) => /^\d{3} /.test(line));

    expect(granted).toMatch(/^200 /);
    const answer = JSON.parse(granted!.slice(4)) as { token: string; subject: string; expires_at: string };
    const { team } = platform.server;
    const subject = `principal:${team.teamId}/user:${team.userId}:run_id:${runId}`;
    expect(answer.subject).toBe(subject);
    const { payload } = await jwtVerify(answer.token, jwks, { issuer: ISSUER, audience: "sts.amazonaws.com" });
    expect(payload).toMatchObject({
      sub: subject,
      run_id: runId,
      principal: `user:${team.userId}`,
      team_uid: team.teamId,
      environment_uid: environmentId,
    });
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
    expect(new Date(payload.exp! * 1000).toISOString()).toBe(answer.expires_at);

    expect(tooLong).toMatch(/^400 /);
    expect(JSON.parse(tooLong!.slice(4))).toMatchObject({
      status: 400,
      detail: "duration: 13h is longer than this server's maximum of 2h",
    });

    // The credential is a secret of the run: redacted from its transcript, never shown as it is.
    const credential = leakedCredential(output);
    expect(credential).toMatch(/^ozr-/);
    expect(output).toContain("credential: [REDACTED:OZ_RUN_TOKEN]");
    expect(JSON.stringify(await transcript(platform, runId))).not.toContain(credential);

    // Once the run has ended its credential mints nothing.
    const ended = await call(platform.server, "POST", `/agent/runs/${runId}/federated-token`, {
      key: credential,
      body: { audience: "sts.amazonaws.com" },
    });
    expect(ended.status).toBe(403);
    expect(ended.json.detail).toBe(`run ${runId} is SUCCEEDED: tokens are issued only while the run is in progress`);
  });

  it("refuses a run's credential for another run, and API keys altogether", async () => {
    const first = await commandRun(
      platform,
      'printf "LEAK<%s>\\n" "$(printf %s "$OZ_RUN_TOKEN" | tr a-zA-Z n-za-mN-ZA-M)"',
      { environment_id: environmentId },
    );
    await waitForState(platform, first, undefined, 60_000);
    const credential = leakedCredential(outputOf(await transcript(platform, first)));

    const second = await commandRun(platform, "sleep 30", { environment_id: environmentId });
    await waitForState(platform, second, ["INPROGRESS"], 60_000);
    try {
      const other = await call(platform.server, "POST", `/agent/runs/${second}/federated-token`, {
        key: credential,
        body: { audience: "sts.amazonaws.com" },
      });
      expect(other.status).toBe(403);
      expect(other.json.detail).toBe(
        "this run credential belongs to another run; a sandbox may obtain tokens for its own run only",
      );

      const apiKey = await call(platform.server, "POST", `/agent/runs/${second}/federated-token`, {
        key: platform.key,
        body: { audience: "sts.amazonaws.com" },
      });
      expect(apiKey.status).toBe(401);
      expect(apiKey.headers.get("content-type")).toContain("application/problem+json");
    } finally {
      await call(platform.server, "POST", `/agent/runs/${second}/cancel`, { key: platform.key });
    }
  });

  it("keeps a rotated-out key in the JWKS, so a token signed before the rotation still verifies", async () => {
    const runId = await commandRun(
      platform,
      'printf "LEAK<%s>\\n" "$(printf %s "$OZ_RUN_TOKEN" | tr a-zA-Z n-za-mN-ZA-M)"; sleep 30',
      { environment_id: environmentId },
    );
    await waitForState(platform, runId, ["INPROGRESS"], 60_000);
    try {
      let output = "";
      while (!output.includes("LEAK<")) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        output = outputOf(await transcript(platform, runId));
      }
      const credential = leakedCredential(output);
      const issue = async () => {
        const res = await call(platform.server, "POST", `/agent/runs/${runId}/federated-token`, {
          key: credential,
          body: { audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/oz" },
        });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        return res.json.token as string;
      };
      const before = await issue();
      // The signing key is older than the rotation period by now: the next token is signed by a new one.
      await new Promise((resolve) => setTimeout(resolve, ROTATION_MS + 500));
      const after = await issue();
      expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);

      const published = (await (await fetch(`${platform.server.origin}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string; d?: string }[];
      };
      const kids = published.keys.map((key) => key.kid);
      expect(kids).toContain(decodeProtectedHeader(before).kid);
      expect(kids).toContain(decodeProtectedHeader(after).kid);
      expect(published.keys.every((key) => key.d === undefined)).toBe(true); // never a private part
      // A relying party that fetches the JWKS now verifies both.
      const fresh = createRemoteJWKSet(new URL(`${platform.server.origin}/.well-known/jwks.json`));
      for (const token of [before, after]) await jwtVerify(token, fresh, { issuer: ISSUER });
    } finally {
      await call(platform.server, "POST", `/agent/runs/${runId}/cancel`, { key: platform.key });
    }
  });
});
