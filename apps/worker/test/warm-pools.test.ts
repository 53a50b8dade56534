import { randomUUID } from "node:crypto";
import Docker from "dockerode";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { installTestFirewall, TEST_SANDBOX_NETWORK } from "@oz/sandbox/testing";
import { PrometheusScrape } from "@oz/testing";
import {
  call,
  commandRun,
  containersOfWorkers,
  createEnvironment,
  createSecret,
  DEBIAN_IMAGE,
  outputOf,
  startTestPlatform,
  TEST_IMAGE,
  transcript,
  waitForState,
  workerProcessEnv,
  type TestPlatform,
} from "./support/platform.ts";
import { spawnWorkerProcess } from "./support/processes.ts";

const docker = new Docker();
const POOLED = { warmPoolMaxSize: 2, warmPoolRefreshMs: 200 };

/** The running warm sandboxes (no run has taken them) of an environment, by any worker. */
async function warmSandboxesOf(environmentId: string, workerId?: string) {
  const label = [`oz.pool=${environmentId}`, ...(workerId ? [`oz.worker_id=${workerId}`] : [])];
  const containers = await docker.listContainers({ all: true, filters: { label } });
  return containers.filter((c) => c.Names.some((name) => name.startsWith("/oz-pool-")));
}

/** Waits until the environment has `count` running warm sandboxes (none of `except`), and returns their ids. */
async function waitForWarm(environmentId: string, count: number, except: string[] = [], workerId?: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = (await warmSandboxesOf(environmentId, workerId)).filter(
      (c) => c.State === "running" && !except.includes(c.Id),
    );
    if (ready.length === count) return ready.map((c) => c.Id);
    if (Date.now() > deadline) throw new Error(`environment ${environmentId} has ${ready.length} warm sandboxes`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the pool knows the sandbox is ready (it is listed by Docker a moment before its setup ends). */
async function waitForReady(platform: TestPlatform, environmentId: string, count: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pool = platform.worker.worker.poolStats()?.pools.find((p) => p.environmentId === environmentId);
    if (pool && pool.ready === count) return;
    if (Date.now() > deadline) throw new Error(`pool of ${environmentId}: ${JSON.stringify(pool)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The worker's metrics as a scrape would read them. */
async function poolScrape(platform: TestPlatform): Promise<PrometheusScrape> {
  return new PrometheusScrape(await platform.worker.deps.metrics.registry.metrics());
}

async function gone(containerId: string): Promise<boolean> {
  return docker
    .getContainer(containerId)
    .inspect()
    .then(
      () => false,
      () => true,
    );
}

/**
 * Leaves a unique mark in a warm sandbox's workspace, which a run reads back to prove it ran in that sandbox
 * (its hostname would not: a sandbox that joined a network holder's namespace carries the holder's).
 */
async function markSandbox(containerId: string): Promise<string> {
  const mark = `served-by-${randomUUID()}`;
  await execIn(containerId, `echo ${mark} > /workspace/.served-by`);
  return mark;
}

/** Runs `command` in a container as a bare `docker exec` (what a process already inside the sandbox could see). */
async function execIn(containerId: string, command: string): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: ["sh", "-c", command], AttachStdout: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => stream.on("end", resolve));
  // Strip the 8-byte frame headers of Docker's multiplexed stream.
  const raw = Buffer.concat(chunks);
  let text = "";
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + size).toString();
    at += 8 + size;
  }
  return text;
}

describe("a run of an environment with a warm pool", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    // The isolated sandbox network and its firewall, as a production worker runs them.
    await installTestFirewall();
    platform = await startTestPlatform(POOLED, { sandboxNetwork: TEST_SANDBOX_NETWORK });
  });
  afterAll(() => platform.close());

  it("starts in the warm sandbox prepared for it, which is destroyed after the run and replaced", async () => {
    const environmentId = await createEnvironment(platform, {
      setup_commands: ["echo prepared-in-advance > /workspace/marker && echo the setup said hello"],
      warm_pool: { size: 1 },
    });
    const [warmId] = await waitForWarm(environmentId, 1);
    await waitForReady(platform, environmentId, 1);
    expect((await poolScrape(platform)).value("oz_warm_pool_sandboxes", { environment: environmentId })).toBe(1);

    // Hardened and isolated exactly like a run's own sandbox, with the pool label and no run yet.
    const info = await docker.getContainer(warmId!).inspect();
    expect(info.Config.Labels).toMatchObject({ "oz.sandbox": "1", "oz.pool": environmentId, "oz.run_id": "" });
    expect(info.Config.User).toBe("1000:1000");
    expect(info.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(info.HostConfig.SecurityOpt).toEqual(["no-new-privileges"]);
    // On the sandbox network: wired directly, or in the namespace of a network holder that is.
    const holder = info.HostConfig.NetworkMode!.match(/^container:(.+)$/)?.[1];
    const wired = holder ? await docker.getContainer(holder).inspect() : info;
    expect(Object.keys(wired.NetworkSettings.Networks)).toEqual([TEST_SANDBOX_NETWORK]);

    const mark = await markSandbox(warmId!);
    const runId = await commandRun(
      platform,
      'cat /workspace/marker; echo "$(cat /workspace/.served-by) run=$OZ_RUN_ID"',
      {
        environment_id: environmentId,
      },
    );
    const run = await waitForState(platform, runId);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    const events = await transcript(platform, runId);
    const output = outputOf(events);
    expect(output).toContain("prepared-in-advance");
    expect(output).toContain(`${mark} run=${runId}`);
    // The setup ran when the pool was filled; the run's transcript still shows it, marked as such.
    const steps = events.filter((e) => e.type === "setup_step").map((e) => e.payload);
    expect(steps).toEqual([
      expect.objectContaining({ step: 1, status: "started", warm_pool: true }),
      expect.objectContaining({ step: 1, status: "succeeded", exit_code: 0, warm_pool: true }),
    ]);
    expect(output).toContain("the setup said hello");

    expect(await gone(warmId!)).toBe(true);
    const [refilled] = await waitForWarm(environmentId, 1, [warmId!]);
    expect(refilled).not.toBe(warmId);
    expect(platform.worker.worker.poolStats()).toMatchObject({ hits: 1 });
    const scraped = await poolScrape(platform);
    expect(scraped.value("oz_warm_pool_hits_total", { environment: environmentId })).toBe(1);
    expect(scraped.value("oz_warm_pool_misses_total", { environment: environmentId })).toBe(0);
  });

  it("holds no secret before a run takes it; the run gets its secrets, redacted in its output", async () => {
    const value = `pool-secret-${randomUUID()}`;
    await createSecret(platform, "POOL_TOKEN", value);
    const environmentId = await createEnvironment(platform, {
      secrets: ["POOL_TOKEN"],
      // A hostile setup: a process left behind to watch for secrets in every process of the sandbox.
      setup_commands: [
        "(while true; do cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep POOL_TOKEN >> /tmp/seen; sleep 0.1; done) >/dev/null 2>&1 &",
      ],
      warm_pool: { size: 1 },
    });
    const [warmId] = await waitForWarm(environmentId, 1);
    await waitForReady(platform, environmentId, 1);

    const info = await docker.getContainer(warmId!).inspect();
    expect(JSON.stringify(info.Config.Env)).not.toContain(value);
    expect(JSON.stringify(info.Config.Env)).not.toContain("POOL_TOKEN");
    const inside = await execIn(
      warmId!,
      `cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'; ls -a /workspace /tmp`,
    );
    expect(inside).not.toContain(value);
    expect(inside).not.toContain("POOL_TOKEN");

    const runId = await commandRun(
      platform,
      '[ "$POOL_TOKEN" = "' + value + '" ] && echo has-the-secret; echo "token: $POOL_TOKEN"',
      { environment_id: environmentId },
    );
    const run = await waitForState(platform, runId);
    expect(run.state, JSON.stringify(run.status_message)).toBe("SUCCEEDED");
    const output = outputOf(await transcript(platform, runId));
    expect(output).toContain("has-the-secret");
    expect(output).toContain("token: [REDACTED:POOL_TOKEN]");
    expect(output).not.toContain(value);

    // The sandbox that served the run (and whatever it left running) is gone; the next run gets another one.
    expect(await gone(warmId!)).toBe(true);
    const [nextId] = await waitForWarm(environmentId, 1, [warmId!]);
    expect(await execIn(nextId!, "cat /tmp/seen 2>/dev/null; echo end")).toBe("end\n");
  });

  it("is drained and rebuilt when the environment changes", async () => {
    const environmentId = await createEnvironment(platform, {
      setup_commands: ["echo version-1 > /workspace/version"],
      warm_pool: { size: 1 },
    });
    const [oldId] = await waitForWarm(environmentId, 1);
    const res = await call(platform.server, "PATCH", `/agent/environments/${environmentId}`, {
      key: platform.key,
      body: { setup_commands: ["echo version-2 > /workspace/version"] },
    });
    expect(res.status).toBe(200);
    const [newId] = await waitForWarm(environmentId, 1, [oldId!]);
    await waitForReady(platform, environmentId, 1);
    expect(await gone(oldId!)).toBe(true);

    const mark = await markSandbox(newId!);
    const runId = await commandRun(platform, "cat /workspace/version /workspace/.served-by", {
      environment_id: environmentId,
    });
    expect((await waitForState(platform, runId)).state).toBe("SUCCEEDED");
    const output = outputOf(await transcript(platform, runId));
    expect(output).toContain("version-2");
    expect(output).toContain(mark);
  });

  it("counts a run that finds its pool still filling as a miss, and starts it cold", async () => {
    const environmentId = await createEnvironment(platform, {
      setup_commands: ["sleep 10"],
      warm_pool: { size: 1 },
    });
    // The pool knows the environment and is filling its first sandbox, whose setup takes 10 s.
    const deadline = Date.now() + 30_000;
    while (!platform.worker.worker.poolStats()?.pools.some((p) => p.environmentId === environmentId && p.filling > 0)) {
      if (Date.now() > deadline) throw new Error("the pool never started filling");
      await new Promise((r) => setTimeout(r, 50));
    }
    const runId = await commandRun(platform, "true", { environment_id: environmentId });
    expect((await waitForState(platform, runId)).state).toBe("SUCCEEDED");
    const steps = (await transcript(platform, runId)).filter((e) => e.type === "setup_step");
    expect(steps.map((e) => e.payload)).not.toContainEqual(expect.objectContaining({ warm_pool: true }));
    const scraped = await poolScrape(platform);
    expect(scraped.value("oz_warm_pool_misses_total", { environment: environmentId })).toBe(1);
    expect(scraped.value("oz_warm_pool_hits_total", { environment: environmentId })).toBe(0);
    // Its pool's sandbox is still filling: drained now, so it does not load the tests that follow.
    await call(platform.server, "DELETE", `/agent/environments/${environmentId}`, { key: platform.key });
  });
});

describe("a warm pool whose image changes", () => {
  const tag = `pool-${randomUUID().slice(0, 8)}`;
  const image = `oz-test/pooled:${tag}`;
  let platform: TestPlatform;
  beforeAll(async () => {
    await docker.getImage(TEST_IMAGE).tag({ repo: "oz-test/pooled", tag });
    platform = await startTestPlatform(POOLED);
  });
  afterAll(async () => {
    await platform.close();
    await docker
      .getImage(image)
      .remove()
      .catch(() => {});
  });

  it("is drained and rebuilt from the new image (digest), and a run uses the new one", async () => {
    const environmentId = await createEnvironment(platform, { docker_image: image, warm_pool: { size: 1 } });
    const [oldId] = await waitForWarm(environmentId, 1);
    // The same tag now names another image.
    await docker.getImage(DEBIAN_IMAGE).tag({ repo: "oz-test/pooled", tag });
    const [newId] = await waitForWarm(environmentId, 1, [oldId!]);
    await waitForReady(platform, environmentId, 1);
    expect(await gone(oldId!)).toBe(true);
    const newImage = (await docker.getImage(DEBIAN_IMAGE).inspect()).Id;
    expect((await docker.getContainer(newId!).inspect()).Image).toBe(newImage);

    const mark = await markSandbox(newId!);
    const runId = await commandRun(platform, "cat /etc/debian_version /workspace/.served-by", {
      environment_id: environmentId,
    });
    expect((await waitForState(platform, runId)).state).toBe("SUCCEEDED");
    expect(outputOf(await transcript(platform, runId))).toContain(mark);
  });
});

describe("warm sandboxes of a worker that died", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!().catch(() => {});
  });

  it("are removed by a live worker's sweeper, and by the dead worker's own restart", async () => {
    const platform = await startTestPlatform({}, { withoutWorker: true });
    cleanups.push(() => platform.close());
    const environmentId = await createEnvironment(platform, { warm_pool: { size: 1 } });
    const workerId = `pooling-${randomUUID()}`;
    // A worker killed while it makes a network holder leaves it created but never started, for any worker's sweep
    // a minute later (network-holders.test.ts); this test does not wait for that.
    cleanups.push(async () => {
      for (const container of await containersOfWorkers([workerId]))
        await docker.getContainer(container.Id).remove({ force: true });
    });
    const env = { ...workerProcessEnv(platform, workerId), OZ_WARM_POOL_MAX_SIZE: "1" };
    const first = spawnWorkerProcess(env);
    cleanups.push(async () => first.kill("SIGKILL"));
    const [firstWarm] = await waitForWarm(environmentId, 1, [], workerId);

    first.kill("SIGKILL");
    // Its sandboxes stop once their main shells lose the worker; any worker's sweeper removes them.
    const survivor = await platform.addWorker({ sweepIntervalMs: 60_000 });
    const deadline = Date.now() + 30_000;
    while (!(await gone(firstWarm!)) && Date.now() < deadline) {
      await survivor.worker.sweepNow();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await gone(firstWarm!)).toBe(true);
    await survivor.close();

    // A worker that restarts removes its previous life's pool before making its own (no other worker is left).
    const second = spawnWorkerProcess(env);
    cleanups.push(async () => second.kill("SIGKILL"));
    const [secondWarm] = await waitForWarm(environmentId, 1, [], workerId);
    second.kill("SIGKILL");
    const third = spawnWorkerProcess(env);
    cleanups.push(async () => third.kill("SIGKILL"));
    const [thirdWarm] = await waitForWarm(environmentId, 1, [secondWarm!], workerId);
    expect(thirdWarm).not.toBe(secondWarm);
    expect(await gone(secondWarm!)).toBe(true);
    third.kill("SIGKILL");
    const sweeper = await platform.addWorker();
    await sweeper.worker.sweepNow();
  }, 180_000);
});
