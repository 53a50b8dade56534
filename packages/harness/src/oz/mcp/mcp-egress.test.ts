import { createServer, type Server } from "node:http";
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { EgressPolicy } from "@oz/egress";
import { startFakeLlm, type FakeLlm } from "@oz/testing";
import { useTestSandboxes } from "@oz/sandbox/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ozHarness } from "../oz-harness.ts";
import { testRun } from "../test-support/run-context.ts";

const sandboxes = useTestSandboxes();
let fake: FakeLlm;
/** An internal service on this machine: it counts every connection and answers with data nobody may read. */
let internal: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  fake = await startFakeLlm();
  internal = createServer((_req, res) => {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end("INTERNAL-ONLY-DATA: db password hunter2");
  });
  internal.on("connection", () => connections++);
  await new Promise<void>((resolve) => internal.listen(0, "127.0.0.1", resolve));
  port = (internal.address() as { port: number }).port;
});
afterAll(async () => {
  await fake.close();
  internal.close();
});

/** The oz harness with one url server, under the worker's default policy (nothing allow-listed). */
async function runWithUrlServer(url: string, egress: EgressPolicy | null = new EgressPolicy([])) {
  const run = testRun({
    sandbox: await sandboxes.create(),
    fake,
    config: { mcp_servers: { internal: { url, headers: { "x-forwarded-for": "10.0.0.1" } } } },
    overrides: { egress: egress ?? undefined },
  });
  return ozHarness.run(run.ctx);
}

describe("MCP url servers are reached only at allowed addresses", () => {
  it("refuses loopback, private and link-local (cloud metadata) addresses without connecting", async () => {
    const before = connections;
    for (const url of [
      `http://127.0.0.1:${port}/mcp`,
      `http://[::ffff:127.0.0.1]:${port}/mcp`,
      "http://10.1.2.3/mcp",
      "http://169.254.169.254/latest/meta-data/",
      "http://192.168.1.1/mcp",
    ]) {
      const outcome = await runWithUrlServer(url);
      expect(outcome).toMatchObject({ state: "FAILED", errorCode: "environment_setup_failed" });
      expect(outcome.message).toMatch(/refused: .* is a private, loopback or link-local address/);
    }
    expect(connections).toBe(before);
  });

  it("checks the address a name resolves to, not the name (DNS rebinding)", async () => {
    // This machine's own name resolves to a loopback address (/etc/hosts): a name the check cannot judge by itself.
    const name = hostname();
    expect((await lookup(name)).address).toMatch(/^127\.|^::1$/);
    const before = connections;
    const outcome = await runWithUrlServer(`http://${name}:${port}/mcp`);
    expect(outcome.message).toMatch(/refused: 127\.0\.0\.1 is a private/);
    expect(connections).toBe(before);
  });

  it("refuses every url server of a run without network", async () => {
    const before = connections;
    const outcome = await runWithUrlServer(`http://127.0.0.1:${port}/mcp`, null);
    expect(outcome.message).toContain("the environment has no network");
    expect(connections).toBe(before);
  });

  it("never copies what an allowed server answered into the run's status message", async () => {
    const outcome = await runWithUrlServer(`http://127.0.0.1:${port}/mcp`, new EgressPolicy(["127.0.0.1/32"]));
    expect(outcome).toMatchObject({ state: "FAILED", errorCode: "environment_setup_failed" });
    expect(outcome.message).toContain("HTTP 500");
    expect(outcome.message).not.toContain("INTERNAL-ONLY-DATA");
    expect(outcome.message).not.toContain("hunter2");
  });
});
