import { startFakeLlm, type FakeLlm } from "@oz/testing";
import { useTestSandboxes } from "@oz/sandbox/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ozHarness } from "../oz-harness.ts";
import { startHttpMcpServer } from "../test-support/mcp-http-server.ts";
import { bundleNotesServer } from "../test-support/mcp-notes-bundle.ts";
import { testRun } from "../test-support/run-context.ts";
import { NODE_IMAGE } from "../test-support/test-images.ts";
import { OZ_SANDBOX } from "../test-support/oz-sandbox.ts";

const sandboxes = useTestSandboxes(OZ_SANDBOX);
let fake: FakeLlm;
let notesServer: string;
beforeAll(async () => {
  fake = await startFakeLlm();
  notesServer = await bundleNotesServer();
});
afterAll(() => fake.close());

const finish = { toolCalls: [{ name: "finish", arguments: { summary: "done" } }] };
const LIST_PROCESSES = "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <\"$f\"; echo; done";

describe("MCP servers of the oz agent", () => {
  it("runs a stdio server inside the sandbox and offers its tools to the model", async () => {
    const sandbox = await sandboxes.create({ image: NODE_IMAGE });
    await sandbox.writeFile("/home/agent/notes-server.mjs", notesServer);
    await sandbox.writeFile("/workspace/marker.txt", "written inside the sandbox\n");
    const before = fake.requests.length;
    fake.script(
      { toolCalls: [{ name: "mcp__notes__add_note", arguments: { text: "buy milk" } }] },
      { toolCalls: [{ name: "mcp__notes__read_file_here", arguments: { path: "marker.txt" } }] },
      { toolCalls: [{ name: "mcp__notes__read_file_here", arguments: { path: "missing.txt" } }] },
      { toolCalls: [{ name: "run_shell", arguments: { command: LIST_PROCESSES } }] },
      finish,
    );
    const run = testRun({
      sandbox,
      fake,
      config: { mcp_servers: { notes: { command: "node", args: ["/home/agent/notes-server.mjs"] } } },
    });

    const outcome = await ozHarness.run(run.ctx);

    expect(outcome.state).toBe("SUCCEEDED");
    const offered = (fake.requests[before]!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    expect(offered).toEqual(
      expect.arrayContaining(["mcp__notes__add_note", "mcp__notes__read_file_here", "run_shell", "finish"]),
    );
    expect(run.eventsOf("harness")[0]!.message).toBe("MCP server notes: add_note, read_file_here");
    expect(run.eventsOf("tool_result")).toMatchObject([
      { name: "mcp__notes__add_note", is_error: false, output: "saved note 1: buy milk" },
      { name: "mcp__notes__read_file_here", is_error: false, output: "written inside the sandbox\n" },
      { name: "mcp__notes__read_file_here", is_error: true, output: expect.stringContaining("ENOENT") },
      { name: "run_shell", is_error: false, output: expect.stringContaining("node /home/agent/notes-server.mjs") },
    ]);
    // The server is stopped with the run: no process of it is left in the sandbox.
    let processes = "";
    await sandbox.exec(LIST_PROCESSES, { onOutput: ({ text }) => (processes += text) });
    expect(processes).not.toContain("notes-server.mjs");
  });

  it("fails the run with environment_setup_failed naming a server that does not start", async () => {
    const sandbox = await sandboxes.create();
    const before = fake.requests.length;
    const run = testRun({
      sandbox,
      fake,
      config: { mcp_servers: { broken: { command: "no-such-mcp-server", args: ["--stdio"] } } },
    });

    const outcome = await ozHarness.run(run.ctx);

    expect(outcome).toMatchObject({ state: "FAILED", errorCode: "environment_setup_failed" });
    expect(outcome.message).toMatch(/^MCP server "broken" failed to start: exited with code 127: .*no-such-mcp-server/);
    expect(fake.requests.length).toBe(before);
  });

  it("reaches a url server over Streamable HTTP with the configured headers", async () => {
    const sandbox = await sandboxes.create();
    const weather = await startHttpMcpServer();
    try {
      fake.script({ toolCalls: [{ name: "mcp__weather__weather", arguments: { city: "Lisbon" } }] }, finish);
      const run = testRun({
        sandbox,
        fake,
        config: { mcp_servers: { weather: { url: weather.url, headers: { authorization: "Bearer mcp-token" } } } },
      });

      expect((await ozHarness.run(run.ctx)).state).toBe("SUCCEEDED");
      expect(run.eventsOf("tool_result")[0]).toMatchObject({ is_error: false, output: "sunny in Lisbon" });
      expect(weather.seenHeaders.every((headers) => headers.authorization === "Bearer mcp-token")).toBe(true);
    } finally {
      await weather.close();
    }
  });

  it("names an unreachable url server and a shared (warp_id) one it cannot use", async () => {
    const sandbox = await sandboxes.create();
    const unreachable = testRun({
      sandbox,
      fake,
      config: { mcp_servers: { gone: { url: "http://127.0.0.1:9/mcp" } } },
    });
    expect(await ozHarness.run(unreachable.ctx)).toMatchObject({
      state: "FAILED",
      errorCode: "environment_setup_failed",
      message: expect.stringMatching(
        /^MCP server "gone" failed to start: could not connect to http:\/\/127\.0\.0\.1:9\/mcp/,
      ),
    });
    const shared = testRun({ sandbox, fake, config: { mcp_servers: { linear: { warp_id: "linear" } } } });
    expect(await ozHarness.run(shared.ctx)).toMatchObject({
      state: "FAILED",
      message: expect.stringMatching(/^MCP server "linear" failed to start: shared MCP servers \(warp_id\)/),
    });
  });
});
