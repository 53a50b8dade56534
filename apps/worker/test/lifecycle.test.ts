import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  commandRun,
  containersOf,
  createEnvironment,
  createRun,
  createSecret,
  outputOf,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "./support/platform.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

describe("a command run, end to end", () => {
  it("succeeds with its output in the transcript, timing and usage on the run, and no container left", async () => {
    const runId = await commandRun(platform, 'echo "hello from $OZ_RUN_ID: $OZ_PROMPT"; echo oops >&2');
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("SUCCEEDED");
    expect(run.status_message?.message).toMatch(/exited with code 0/);
    expect(run.started_at).toBeTruthy();
    expect(run.run_time).toMatch(/^PT/);
    expect(run.is_sandbox_running).toBe(false);
    expect(run.request_usage?.compute_seconds).toBeGreaterThan(0);

    const events = await transcript(platform, runId);
    expect(outputOf(events)).toContain(`hello from ${runId}: do the thing`);
    expect(
      events.some(
        (e) => e.type === "output" && e.payload.stream === "stderr" && String(e.payload.text).includes("oops"),
      ),
    ).toBe(true);
    const states = events.filter((e) => e.type === "state").map((e) => e.payload.state);
    expect(states).toEqual(["PENDING", "CLAIMED", "INPROGRESS", "SUCCEEDED"]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(await containersOf(runId)).toEqual([]);
  });

  it("ends FAILED with the exit code when the command fails", async () => {
    const run = await waitForState(platform, await commandRun(platform, "exit 3"));
    expect(run.state).toBe("FAILED");
    expect(run.status_message?.message).toMatch(/exited with code 3/);
  });

  it("runs setup commands in order and names the step that failed", async () => {
    const environmentId = await createEnvironment(platform, {
      setup_commands: ["echo first > /workspace/order", "echo second >> /workspace/order", "cat /workspace/nope"],
    });
    const run = await waitForState(platform, await commandRun(platform, "true", { environment_id: environmentId }));
    expect(run.state).toBe("FAILED");
    expect(run.status_message).toMatchObject({ error_code: "environment_setup_failed", retryable: false });
    expect(run.status_message?.message).toContain("step 3 (cat /workspace/nope)");
    const events = await transcript(platform, run.run_id);
    const steps = events
      .filter((e) => e.type === "setup_step" && e.payload.status !== "started")
      .map((e) => [e.payload.step, e.payload.status]);
    expect(steps).toEqual([
      [1, "succeeded"],
      [2, "succeeded"],
      [3, "failed"],
    ]);
    const env = await call(platform.server, "GET", `/agent/environments/${environmentId}`, { key: platform.key });
    expect(env.json.setup_failed).toBe(true);
  });

  it("gives the sandbox the environment's secrets and never stores their values", async () => {
    const secret = "s3cr3t-value-for-the-test";
    await createSecret(platform, "DEPLOY_TOKEN", secret);
    const environmentId = await createEnvironment(platform, { secrets: ["DEPLOY_TOKEN"] });
    const runId = await commandRun(
      platform,
      'echo "token=$DEPLOY_TOKEN"; printf "%s" "$DEPLOY_TOKEN" > "$OZ_ARTIFACTS_DIR/leak.txt"',
      { environment_id: environmentId },
    );
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("SUCCEEDED");
    const events = await transcript(platform, runId);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(outputOf(events)).toContain("token=[REDACTED:DEPLOY_TOKEN]");

    const artifact = run.artifacts?.find((a) => a.data.filename === "leak.txt");
    expect(artifact).toBeDefined();
    const meta = await call(platform.server, "GET", `/agent/artifacts/${artifact!.data.artifact_uid}`, {
      key: platform.key,
    });
    const body = await (
      await fetch(meta.json.data.download_url.replace("http://oz.test", platform.server.origin))
    ).text();
    expect(body).toBe("[REDACTED:DEPLOY_TOKEN]");
  });

  it("keeps files written to $OZ_ARTIFACTS_DIR as downloadable FILE artifacts", async () => {
    const runId = await commandRun(
      platform,
      'mkdir -p "$OZ_ARTIFACTS_DIR/reports" && echo "<h1>ok</h1>" > "$OZ_ARTIFACTS_DIR/reports/index.html"',
    );
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("SUCCEEDED");
    expect(run.artifacts).toEqual([
      expect.objectContaining({
        artifact_type: "FILE",
        data: expect.objectContaining({
          filename: "index.html",
          filepath: "reports/index.html",
          mime_type: "text/html",
        }),
      }),
    ]);
    const events = await transcript(platform, runId);
    expect(events.some((e) => e.type === "artifact" && e.payload.filename === "index.html")).toBe(true);
  });

  it("fails with environment_setup_failed when the environment's image does not exist", async () => {
    const environmentId = await createEnvironment(platform, { docker_image: "oz-test/does-not-exist:1" });
    const run = await waitForState(
      platform,
      await commandRun(platform, "true", { environment_id: environmentId }),
      undefined,
      60_000,
    );
    expect(run.state).toBe("FAILED");
    expect(run.status_message?.error_code).toBe("environment_setup_failed");
    expect(run.status_message?.message).toContain("oz-test/does-not-exist:1");
  });

  it("fails a run that names a secret the team does not have, saying which", async () => {
    const environmentId = await createEnvironment(platform, { secrets: ["NOT_THERE"] });
    const run = await waitForState(platform, await commandRun(platform, "true", { environment_id: environmentId }));
    expect(run.state).toBe("FAILED");
    expect(run.status_message?.message).toContain("NOT_THERE");
  });

  it("refuses the secrets of an environment a cloud agent last changed, saying a person must save it", async () => {
    await createSecret(platform, "AGENT_NAMED", "not-for-agents-to-name");
    const environmentId = await createEnvironment(platform, { secrets: ["AGENT_NAMED"] });
    // As an agent's key could write before agents were refused environment changes.
    await platform.server.database.db.environment.update({
      where: { id: environmentId },
      data: { updatedBy: "service_account:AAAAAAAAAAAAAAAAAAAAAA" },
    });
    const run = await waitForState(platform, await commandRun(platform, "true", { environment_id: environmentId }));
    expect(run.state).toBe("FAILED");
    expect(run.status_message?.error_code).toBe("not_authorized");
    expect(run.status_message?.message).toContain("a team member must save it again");
  });

  it("ends ERROR agent_process_failed when the sandbox runs out of memory", async () => {
    const environmentId = await createEnvironment(platform, { resources: { memory_mb: 32 } });
    const run = await waitForState(
      platform,
      await commandRun(platform, "x=a; while true; do x=$x$x$x$x; done", { environment_id: environmentId }),
    );
    expect(run.state).toBe("ERROR");
    expect(run.status_message?.error_code).toBe("agent_process_failed");
    expect(await containersOf(run.run_id)).toEqual([]);
  });

  it("contains a fork bomb with the pids limit", async () => {
    const environmentId = await createEnvironment(platform, { resources: { pids_limit: 32 } });
    const runId = await commandRun(platform, "bomb() { bomb | bomb & }; bomb; sleep 2; echo survived", {
      environment_id: environmentId,
    });
    const run = await waitForState(platform, runId);
    expect(["SUCCEEDED", "FAILED", "ERROR"]).toContain(run.state);
    expect(await containersOf(runId)).toEqual([]);
    // The host is fine: the next run works.
    expect((await waitForState(platform, await commandRun(platform, "echo ok"))).state).toBe("SUCCEEDED");
  });

  it("says plainly when the environment's image lacks the harness's CLI, and how to fix it", async () => {
    const runId = await createRun(platform, { prompt: "x", config: { harness: { type: "gemini" } } });
    const run = await waitForState(platform, runId);
    expect(run.state).toBe("FAILED");
    expect(run.status_message).toMatchObject({ error_code: "environment_setup_failed" });
    expect(run.status_message?.message).toContain("npm install -g @google/gemini-cli");
  });
});
