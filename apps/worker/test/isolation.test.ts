import { createHash } from "node:crypto";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTestFirewall, TEST_SANDBOX_NETWORK } from "@oz/sandbox/testing";
import { startGitDaemon, type GitDaemon } from "@oz/testing";
import {
  call,
  commandRun,
  createEnvironment,
  createSecret,
  DEBIAN_IMAGE,
  getRun,
  outputOf,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

/** A TCP listener that counts who connected: proof that nothing did. */
async function countingListener(host: string): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as { port: number }).port, connections: () => count };
}

describe("prompts", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  it("hands a 200 KiB prompt to the sandbox intact, as a file", async () => {
    const prompt = Array.from({ length: 200 * 1024 }, (_, i) => "abcdefghij klmnopq\n'\"$`\\é"[i % 24]).join("");
    const runId = await commandRun(
      platform,
      'sha256sum "$OZ_PROMPT_FILE"; [ -z "${OZ_PROMPT+set}" ] && echo "no OZ_PROMPT variable"',
      {},
      { prompt },
    );
    const run = await waitForState(platform, runId);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    const output = outputOf(await transcript(platform, runId));
    expect(output).toContain(createHash("sha256").update(prompt).digest("hex"));
    expect(output).toContain("no OZ_PROMPT variable");
  });

  it("refuses a 300 KiB prompt with a 400 naming the field and the maximum", async () => {
    const res = await call(platform.server, "POST", "/agent/runs", {
      key: platform.key,
      body: { prompt: "x".repeat(300 * 1024), config: { harness: { type: "command", command: "true" } } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.json.detail).toBe("prompt: 307200 bytes is more than the maximum of 262144 bytes (UTF-8)");
  });
});

describe("secrets in encoded forms and in artifact names", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  it("redacts base64, hex, URL and JSON forms from output, and the value from artifact paths", async () => {
    const value = "tok-Secr3t+value=42";
    await createSecret(platform, "MY_TOKEN", value);
    const environmentId = await createEnvironment(platform, { secrets: ["MY_TOKEN"] });
    const runId = await commandRun(
      platform,
      [
        'printf %s "$MY_TOKEN" | base64',
        'printf "user:%s" "$MY_TOKEN" | base64',
        'printf %s "$MY_TOKEN" | xxd -p',
        'printf \'{"token":"%s"}\\n\' "$MY_TOKEN"',
        'echo "https://example.test/?t=tok-Secr3t%2Bvalue%3D42"',
        'echo report > "$OZ_ARTIFACTS_DIR/report-$MY_TOKEN.txt"',
        'mkdir -p "$OZ_ARTIFACTS_DIR/$MY_TOKEN"',
        'printf %s "$MY_TOKEN" | base64 > "$OZ_ARTIFACTS_DIR/$MY_TOKEN/encoded.txt"',
      ].join("; "),
      { environment_id: environmentId },
    );
    const run = await waitForState(platform, runId);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");

    const output = outputOf(await transcript(platform, runId));
    expect(output.match(/\[REDACTED:MY_TOKEN\]/g)?.length).toBeGreaterThanOrEqual(5);
    for (const form of [
      value,
      Buffer.from(value).toString("base64"),
      Buffer.from(`user:${value}`).toString("base64").slice(4, 20),
      Buffer.from(value).toString("hex"),
      encodeURIComponent(value),
    ])
      expect(output).not.toContain(form);

    const artifacts = (await getRun(platform, runId)).artifacts ?? [];
    const paths = artifacts.map((a) => String((a.data as { filepath: string }).filepath)).sort();
    expect(paths).toEqual(["[REDACTED:MY_TOKEN]/encoded.txt", "report-[REDACTED:MY_TOKEN].txt"].sort());
    expect(JSON.stringify(artifacts)).not.toContain("Secr3t");
  });
});

describe("sandbox size and concurrency limits", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform(
      { teamMaxConcurrentRuns: 1 },
      {
        serverOverrides: { teamMaxConcurrentRuns: 1, sandboxMaxima: { cpus: 2, memoryMb: 2048, pidsLimit: 512 } },
      },
    );
  });
  afterAll(() => platform.close());

  it("refuses an environment larger than the server's maxima, naming the field and the maximum", async () => {
    const create = await call(platform.server, "POST", "/agent/environments", {
      key: platform.key,
      body: { name: "huge", docker_image: "x", resources: { memory_mb: 262144, pids_limit: 65536 } },
    });
    expect(create.status).toBe(400);
    expect(create.json.detail).toBe("resources.memory_mb: 262144 is more than this server's maximum of 2048");

    const uid = await createEnvironment(platform, { resources: { cpus: 1 } });
    const update = await call(platform.server, "PATCH", `/agent/environments/${uid}`, {
      key: platform.key,
      body: { resources: { cpus: 4 } },
    });
    expect(update.status).toBe(400);
    expect(update.json.detail).toBe("resources.cpus: 4 is more than this server's maximum of 2");

    // Saved before the maxima were lowered: a run of it is refused rather than shrunk.
    await platform.server.database.db.environment.update({ where: { id: uid }, data: { pidsLimit: 65536 } });
    const run = await call(platform.server, "POST", "/agent/runs", {
      key: platform.key,
      body: { prompt: "p", config: { environment_id: uid, harness: { type: "command", command: "true" } } },
    });
    expect(run.status).toBe(400);
    expect(run.json.detail).toBe("environment.resources.pids_limit: 65536 is more than this server's maximum of 512");
  });

  it("keeps a team's extra run QUEUED while its limit is reached, then runs it", async () => {
    const first = await commandRun(platform, "sleep 3");
    await waitForState(platform, first, ["INPROGRESS"]);
    const res = await call(platform.server, "POST", "/agent/runs", {
      key: platform.key,
      body: { prompt: "second", config: { harness: { type: "command", command: "echo second" } } },
    });
    expect(res.status).toBe(200);
    expect(res.json.at_capacity).toBe(true);
    const second = res.json.run_id as string;

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await getRun(platform, first)).state).toBe("INPROGRESS");
    expect((await getRun(platform, second)).state).toBe("QUEUED");

    expect((await waitForState(platform, first)).state).toBe("SUCCEEDED");
    const finished = await waitForState(platform, second);
    expect(finished.state).toBe("SUCCEEDED");
    expect(Date.parse(finished.started_at!)).toBeGreaterThanOrEqual(
      Date.parse((await getRun(platform, first)).updated_at),
    );
    // Another team is not held back by this one's limit.
    const other = await call(platform.server, "POST", "/agent/runs", {
      key: platform.server.otherTeam.apiKey,
      body: { prompt: "other", config: { harness: { type: "command", command: "true" } } },
    });
    expect(other.json.at_capacity).toBe(false);
  });
});

describe("repositories and the sandbox network", () => {
  let platform: TestPlatform;
  let git: GitDaemon;
  beforeAll(async () => {
    await installTestFirewall();
    platform = await startTestPlatform({}, { sandboxNetwork: TEST_SANDBOX_NETWORK });
    git = await startGitDaemon();
  });
  afterAll(async () => {
    await platform.close();
    await git.close();
  });

  it("refuses to clone from loopback, private or link-local addresses, without connecting", async () => {
    const listener = await countingListener("127.0.0.1");
    try {
      for (const url of [
        `git://127.0.0.1:${listener.port}/x.git`,
        "http://10.1.2.3/x.git",
        "http://169.254.169.254/x.git",
      ]) {
        const environmentId = await createEnvironment(platform, {
          docker_image: DEBIAN_IMAGE,
          github_repos: [{ owner: "o", repo: "x", url }],
        });
        const run = await waitForState(platform, await commandRun(platform, "true", { environment_id: environmentId }));
        expect(run.state).toBe("FAILED");
        expect(run.status_message).toMatchObject({ error_code: "environment_setup_failed" });
        expect(run.status_message?.message).toMatch(/cannot be cloned: .* is a private, loopback or link-local/);
      }
      expect(listener.connections()).toBe(0);
    } finally {
      listener.server.close();
    }
  });

  it("clones from the allow-listed git daemon through the isolated network", async () => {
    await git.commit("allowed", { "README.md": "through the allow-list\n" });
    const environmentId = await createEnvironment(platform, {
      docker_image: DEBIAN_IMAGE,
      github_repos: [{ owner: "o", repo: "allowed", url: git.url("allowed") }],
    });
    const runId = await commandRun(platform, "cat README.md", { environment_id: environmentId });
    const run = await waitForState(platform, runId, undefined, 60_000);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    expect(outputOf(await transcript(platform, runId))).toContain("through the allow-list");
  });
});
