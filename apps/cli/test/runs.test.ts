import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commandRun,
  startTestPlatform,
  transcript,
  waitForState,
  type TestPlatform,
} from "../../worker/test/support/platform.ts";
import { createArtifactUrlSigner } from "../../api/src/artifacts/url-signer.ts";
import { OzCli } from "./support/oz.ts";

let platform: TestPlatform;
let oz: OzCli;
let dir: string;
/** A run that wrote a report artifact, and two more that succeeded and failed. */
let reportRun: string;
let okRun: string;
let failedRun: string;
let origin = "";

/**
 * The API's download-link signer, with links on the test server's real origin (the test server's public URL
 * is a placeholder, and its port is only known once it listens): `oz artifact download` follows them as is.
 */
function liveOriginSigner() {
  const placeholder = "http://oz.test";
  const signer = createArtifactUrlSigner(randomBytes(32), placeholder);
  return {
    sign: (uid: string) => {
      const signed = signer.sign(uid);
      return { ...signed, url: signed.url.replace(placeholder, origin) };
    },
    verify: signer.verify,
  };
}

beforeAll(async () => {
  platform = await startTestPlatform({}, { serverOverrides: { artifactUrlSigner: liveOriginSigner() } });
  origin = platform.server.origin;
  oz = await OzCli.create(platform.server.baseUrl, platform.key);
  dir = await mkdtemp(join(tmpdir(), "oz-cli-runs-"));
  reportRun = await commandRun(platform, 'echo "report body" > "$OZ_ARTIFACTS_DIR/report.txt"; echo wrote it');
  okRun = await commandRun(platform, "echo fine", { name: "nightly" });
  failedRun = await commandRun(platform, "exit 4");
  await Promise.all([reportRun, okRun, failedRun].map((id) => waitForState(platform, id)));
});

afterAll(async () => {
  await oz?.cleanup();
  await platform?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("oz run list (and oz task list)", () => {
  it("lists runs with the run ID as uid in JSON, sorted and limited as asked", async () => {
    const result = await oz.run(["run", "list", "--output-format", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(
      result
        .json()
        .map((r: { uid: string }) => r.uid)
        .sort(),
    ).toEqual([failedRun, okRun, reportRun].sort());

    const byCreation = await oz.run(["run", "list", "--sort-by", "created_at", "--output-format", "json"]);
    const runs = byCreation.json();
    expect(runs.map((r: { uid: string }) => r.uid)).toEqual([failedRun, okRun, reportRun]);
    expect(runs[0]).not.toHaveProperty("run_id");
    expect(runs[0]).toMatchObject({ state: "FAILED", source: "API" });

    const limited = await oz.run([
      "run",
      "list",
      "--limit",
      "2",
      "--sort-by",
      "created_at",
      "--output-format",
      "ndjson",
    ]);
    expect(limited.lines().map((r) => r.uid)).toEqual([failedRun, okRun]);
  });

  it("passes the API's filters: state (any case), name", async () => {
    const failed = await oz.run(["task", "list", "--state", "failed", "--output-format", "text"]);
    expect(failed.stdout.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^${failedRun}\tFAILED\t`))]);
    const named = await oz.run(["run", "list", "--name", "nightly", "--output-format", "json"]);
    expect(named.json().map((r: { uid: string }) => r.uid)).toEqual([okRun]);
  });

  it("prints a table by default", async () => {
    const result = await oz.run(["run", "list"]);
    expect(result.stdout.split("\n")[0]).toMatch(/^ID\s+STATE\s+TITLE\s+SOURCE\s+CREATED$/);
    expect(result.stdout).toMatch(new RegExp(`^${okRun}\\s+SUCCEEDED\\s+`, "m"));
  });
});

describe("oz run get", () => {
  it("shows a run with its artifacts, each with its uid in JSON", async () => {
    const result = await oz.run(["run", "get", reportRun, "--output-format", "json"]);
    expect(result.code, result.stderr).toBe(0);
    const run = result.json();
    expect(run).toMatchObject({ uid: reportRun, state: "SUCCEEDED" });
    expect(run.artifacts).toEqual([
      expect.objectContaining({
        uid: expect.any(String),
        artifact_type: "FILE",
        data: expect.objectContaining({ filename: "report.txt" }),
      }),
    ]);

    const pretty = await oz.run(["task", "get", reportRun]);
    expect(pretty.stdout).toMatch(/^State\s+SUCCEEDED$/m);
    expect(pretty.stdout).toMatch(new RegExp(`^Artifact\\s+FILE\\s+${run.artifacts[0].uid}\\s+report\\.txt$`, "m"));
  });

  it("--conversation adds the transcript: as text, and as events in JSON", async () => {
    const text = await oz.run(["run", "get", reportRun, "--conversation"]);
    expect(text.stdout).toMatch(/Transcript\n[\s\S]*wrote it\n[\s\S]*■ SUCCEEDED/);

    const json = await oz.run(["run", "get", reportRun, "--conversation", "--output-format", "json"]);
    const events = json.json().conversation;
    expect(events.map((e: { id: string }) => e.id)).toEqual((await transcript(platform, reportRun)).map((e) => e.id));
  });
});

describe("oz artifact", () => {
  it("shows an artifact and downloads its file, to a directory, a path or stdout", async () => {
    const uid = (await oz.run(["run", "get", reportRun, "--output-format", "json"])).json().artifacts[0].uid as string;

    const shown = await oz.run(["artifact", "get", uid]);
    expect(shown.stdout).toMatch(/^Name\s+report\.txt$/m);
    expect(shown.stdout).toMatch(/^Type\s+FILE$/m);

    const intoDir = await oz.run(["artifact", "download", uid, "--out", dir]);
    expect(intoDir.code, intoDir.stderr).toBe(0);
    expect(await readFile(join(dir, "report.txt"), "utf8")).toBe("report body\n");

    const byName = await oz.run(["artifact", "download", uid], { cwd: dir, env: { WARP_OUTPUT_FORMAT: "json" } });
    expect(byName.json()).toMatchObject({ path: "report.txt", size_bytes: 12 });

    const piped = await oz.run(["artifact", "download", uid, "-o", "-"]);
    expect(piped.stdout).toBe("report body\n");
  });
});

describe("oz run cancel and oz run followup", () => {
  it("cancels a running run, and refuses to cancel an ended one with the API's reason", async () => {
    const runId = await commandRun(platform, "sleep 60");
    await waitForState(platform, runId, ["INPROGRESS"]);
    const cancelled = await oz.run(["run", "cancel", runId, "--output-format", "json"]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.json()).toEqual({ uid: runId, cancelled: true });
    expect((await waitForState(platform, runId)).state).toBe("CANCELLED");

    const again = await oz.run(["run", "cancel", runId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\(invalid_request, 400/);
  });

  it("sends a follow-up to an ended run, which starts a new execution", async () => {
    const result = await oz.run(["run", "followup", okRun, "-"], { input: "one more thing\n" });
    expect(result.code, result.stderr).toBe(0);
    const followups = (await transcript(platform, okRun)).filter((e) => e.type === "followup");
    expect(followups.map((e) => e.payload)).toEqual([
      expect.objectContaining({ message: "one more thing", delivery: "new_execution" }),
    ]);
    await waitForState(platform, okRun);
  });
});
