import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpProxy } from "@oz/testing";
import { getRun, startTestPlatform, waitForState, type TestPlatform } from "../../worker/test/support/platform.ts";
import { OzCli } from "./support/oz.ts";

let platform: TestPlatform;
let oz: OzCli;
let dir: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  oz = await OzCli.create(platform.server.baseUrl, platform.key);
  dir = await mkdtemp(join(tmpdir(), "oz-cli-run-"));
});

afterAll(async () => {
  await oz?.cleanup();
  await platform?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A `--file` holding the run's config: the `command` harness running `command`. */
async function configFile(command: string, extra = "") {
  const path = join(dir, `run-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(path, `harness:\n  type: command\n  command: ${JSON.stringify(command)}\n${extra}`);
  return path;
}

describe("oz agent run-cloud --wait exits with the run's outcome", () => {
  it("0 when it succeeds, and the run's source is CLI; a progress line for each state meanwhile", async () => {
    const result = await oz.run(["agent", "run-cloud", "--prompt", "go", "-f", await configFile("sleep 1"), "--wait"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^Run \S+ INPROGRESS · \d+ s$/m);
    expect(result.stderr.match(/INPROGRESS ·/g)).toHaveLength(1); // a log gets the news, not every poll
    const runId = /Run (\S+) SUCCEEDED/.exec(result.stderr)?.[1];
    expect(runId).toBeDefined();
    expect((await getRun(platform, runId!)).source).toBe("CLI");
  });

  it("1 when it fails, 2 when it errors, with the status message on stderr", async () => {
    const [failed, errored] = await Promise.all([
      oz.run(["agent", "run-cloud", "--prompt", "go", "-f", await configFile("exit 3"), "--wait"]),
      oz.run(["agent", "run-cloud", "--prompt", "go", "-f", await configFile("exit 137"), "--wait"]),
    ]);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/FAILED.*exit/i);
    expect(errored.code, errored.stderr).toBe(2);
    expect(errored.stderr).toMatch(/ERROR.*signal 9/);
  });

  it("3 when it is cancelled (with oz run cancel) while it is being followed", async () => {
    let cancelling: Promise<unknown> | undefined;
    const result = await oz.run(
      ["agent", "run-cloud", "--prompt", "go", "-f", await configFile("echo started; sleep 60"), "--wait", "--follow"],
      {
        env: { WARP_OUTPUT_FORMAT: "ndjson" },
        onStdout: (chunk) => {
          const runId = /"run_id":"([^"]+)"/.exec(chunk)?.[1];
          if (runId && chunk.includes("started") && !cancelling) {
            cancelling = waitForState(platform, runId, ["INPROGRESS"]).then(() => oz.run(["run", "cancel", runId]));
          }
        },
      },
    );
    expect(result.code, result.stderr).toBe(3);
    const cancel = (await cancelling) as Awaited<ReturnType<OzCli["run"]>>;
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(result.lines().at(-1)).toMatchObject({ type: "run", run: { state: "CANCELLED" } });
  });

  it("4 when the run cannot start: a bad config file, a flag it does not know, a refusal by the API", async () => {
    const badFile = await configFile("true", "idle_timeout_minutes: soon\n");
    const [invalid, unknownFlag, refused, noKey] = await Promise.all([
      oz.run(["agent", "run-cloud", "--prompt", "go", "-f", badFile, "--wait"]),
      oz.run(["agent", "run-cloud", "--prompt", "go", "--frobnicate", "--wait"]),
      oz.run(["agent", "run-cloud", "-f", await configFile("true"), "--wait"]),
      oz.run(["agent", "run-cloud", "--prompt", "go", "--wait"], { env: { WARP_API_KEY: undefined } }),
    ]);
    expect(invalid.code).toBe(4);
    expect(invalid.stderr).toContain("idle_timeout_minutes");
    expect(unknownFlag.code).toBe(4);
    expect(unknownFlag.stderr).toContain("--frobnicate");
    expect(refused.code).toBe(4);
    // One line: the problem's detail, its code and status.
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/prompt.*\(invalid_request, 400/);
    expect(noKey.code).toBe(4);
    expect(noKey.stderr).toContain("Not logged in");
  });
});

describe("oz agent run-cloud --follow", () => {
  it("streams the transcript as text: the sandbox's output and the state changes", async () => {
    const file = await configFile("echo hello-from-the-sandbox; echo second line");
    const result = await oz.run(["agent", "run-cloud", "--prompt", "go", "-f", file, "--follow"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("hello-from-the-sandbox\nsecond line\n");
    expect(result.stdout).toMatch(/■ INPROGRESS[\s\S]*hello-from-the-sandbox[\s\S]*■ SUCCEEDED/);
  });

  it("prints one JSON event per line in ndjson, each with the run id, ending with the run itself", async () => {
    const file = await configFile("echo ndjson-output");
    const result = await oz.run([
      "agent",
      "run-cloud",
      "--prompt",
      "go",
      "-f",
      file,
      "--follow",
      "--wait",
      "--output-format",
      "ndjson",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.lines();
    const runId = lines[0].run_id as string;
    expect(lines.every((line) => line.run_id === runId && typeof line.type === "string")).toBe(true);
    const events = lines.slice(0, -1);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(events.some((e) => e.type === "output" && String(e.payload.text).includes("ndjson-output"))).toBe(true);
    expect(events.filter((e) => e.type === "state").map((e) => e.payload.state)).toContain("SUCCEEDED");
    expect(lines.at(-1)).toMatchObject({ type: "run", run: { uid: runId, state: "SUCCEEDED", source: "CLI" } });
  });

  it("resumes after the connection drops, with no event lost or repeated", async () => {
    const origin = new URL(platform.server.origin);
    const proxy = await startTcpProxy({ host: origin.hostname, port: Number(origin.port) });
    try {
      const file = await configFile("echo one; sleep 1; echo two; sleep 1; echo three");
      let cut = false;
      const result = await oz.run(["agent", "run-cloud", "--prompt", "go", "-f", file, "--follow", "--wait"], {
        env: { OZ_API_BASE_URL: `http://127.0.0.1:${proxy.port}/api/v1`, WARP_OUTPUT_FORMAT: "ndjson" },
        onStdout: (chunk) => {
          if (cut || !chunk.includes("one")) return;
          cut = true;
          void proxy.cut().then(() => setTimeout(() => void proxy.restore(), 500));
        },
      });
      expect(cut).toBe(true);
      expect(result.code, result.stderr).toBe(0);
      const events = result.lines().slice(0, -1);
      const seqs = events.map((e) => e.seq as number);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      const output = events
        .filter((e) => e.type === "output")
        .map((e) => e.payload.text as string)
        .join("");
      expect(output).toBe("one\ntwo\nthree\n");
    } finally {
      await proxy.close();
    }
  });
});

describe("oz agent run-cloud request", () => {
  it("takes the config from --file and lets flags override its members", async () => {
    const file = await configFile("true", "name: from-file\ncomputer_use_enabled: true\n");
    const result = await oz.run([
      "agent",
      "run-cloud",
      "--prompt",
      "go",
      "-f",
      file,
      "--name",
      "from-flag",
      "--no-computer-use",
      "--title",
      "CLI title",
      "--metadata",
      "ticket=OZ-1",
      "--output-format",
      "json",
      "--wait",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const run = result.json();
    expect(run).toMatchObject({
      uid: expect.any(String),
      state: "SUCCEEDED",
      title: "CLI title",
      metadata: expect.objectContaining({ ticket: "OZ-1" }),
      agent_config: { name: "from-flag", computer_use_enabled: false, harness: { type: "command" } },
    });
    expect(run).not.toHaveProperty("run_id");
  });

  it("without --wait prints the new run's id and returns at once; the prompt can come from stdin", async () => {
    const result = await oz.run(
      ["agent", "run-cloud", "--prompt", "-", "-f", await configFile("sleep 1"), "--output-format", "text"],
      { input: "a prompt from stdin\n" },
    );
    expect(result.code, result.stderr).toBe(0);
    const runId = result.stdout.trim();
    const run = await getRun(platform, runId);
    expect(run.prompt).toBe("a prompt from stdin");
    expect(run.state).not.toBe("SUCCEEDED");
    await waitForState(platform, runId);
  });

  it("sends --attach files with the prompt: name, MIME type and content", async () => {
    const notes = join(dir, "notes.txt");
    await writeFile(notes, "attached words");
    const result = await oz.run([
      "agent",
      "run-cloud",
      "--prompt",
      "read it",
      "-f",
      await configFile("true"),
      "--attach",
      notes,
      "--output-format",
      "json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const runId = result.json().uid as string;
    const stored = await platform.server.database.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(stored.attachments).toEqual([
      { file_name: "notes.txt", mime_type: "text/plain", data: Buffer.from("attached words").toString("base64") },
    ]);
    await waitForState(platform, runId);
  });
});
