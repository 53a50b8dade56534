// Records the fixtures in packages/harness/fixtures/<cli>/: each is what the real CLI printed on stdout, run by
// its harness in a sandbox (scripts/build-harness-images.sh) against the fake provider with a scripted model.
//
//   pnpm tsx packages/harness/src/cli/test-support/record-streams.ts [claude|codex|gemini ...]
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AmbientAgentConfig } from "@oz/contract";
import { DockerSandboxProvider } from "@oz/sandbox";
import { startFakeLlm, type FakeLlmStep } from "@oz/testing";
import { runCliAgent } from "../cli-harness.ts";
import { bundleNotesServer } from "../../oz/test-support/mcp-notes-bundle.ts";
import { createCliSandbox, dockerBridgeGateway } from "./cli-sandboxes.ts";
import { AGENTS, cliTestRun, FAKE_PROVIDER_KEY } from "./cli-run.ts";
import { cliImage } from "./harness-images.ts";
import { USAGE, failingCommandSteps, mcpNoteSteps, writeAndTestSteps, type CliName } from "./scenarios.ts";

interface Recording {
  name: string;
  steps: FakeLlmStep[];
  whenExhausted?: FakeLlmStep;
  secrets?: Record<string, string>;
  env?: Record<string, string>;
  config?: AmbientAgentConfig;
  prompt?: string;
  withNotesServer?: boolean;
  keepStderr?: boolean;
}

const NOTES_SERVER = "/home/agent/notes-server.mjs";

const recordings = (cli: CliName): Recording[] => [
  { name: "write-and-test", steps: writeAndTestSteps(cli) },
  { name: "failing-command", steps: failingCommandSteps(cli), prompt: "Show me missing-file.txt." },
  {
    name: "rejected-key",
    steps: [],
    secrets: { AGENT_KEY: "sk-not-the-right-key" },
    prompt: "Say hello.",
    // Claude Code retries even a 401 ten times; two show the shape.
    env: { CLAUDE_CODE_MAX_RETRIES: "2" },
  },
  {
    name: "provider-down",
    steps: [],
    whenExhausted: { status: 503, errorMessage: "fake-llm: the provider is down" },
    prompt: "Say hello.",
    env: { CLAUDE_CODE_MAX_RETRIES: "1" },
  },
  {
    name: "mcp-tool",
    steps: mcpNoteSteps(),
    prompt: "Save a note: remember the milk.",
    withNotesServer: true,
    config: { mcp_servers: { notes: { command: "node", args: [NOTES_SERVER] } } },
  },
  {
    name: "mcp-server-fails",
    steps: [{ text: "Hello.", usage: USAGE }],
    prompt: "Say hello.",
    config: { mcp_servers: { broken: { command: "node", args: ["/nonexistent/server.js"] } } },
    keepStderr: true,
  },
];

const fixturesDir = (cli: CliName) => fileURLToPath(new URL(`../../../fixtures/${cli}/`, import.meta.url));

async function record(cli: CliName, recording: Recording) {
  const gateway = dockerBridgeGateway();
  const fake = await startFakeLlm({ apiKey: FAKE_PROVIDER_KEY, listen: gateway });
  const provider = new DockerSandboxProvider();
  const sandbox = await createCliSandbox(provider, `record-streams-${randomUUID()}`, cliImage(cli));
  try {
    fake.script(...recording.steps);
    fake.whenExhausted(recording.whenExhausted ?? { status: 500, errorMessage: "fake-llm: script exhausted" });
    if (recording.withNotesServer) await sandbox.writeFile(NOTES_SERVER, await bundleNotesServer());
    const run = cliTestRun(cli, { sandbox, fake, gateway, ...recording });
    const lines: string[] = [];
    const stderr: string[] = [];
    const outcome = await runCliAgent(AGENTS[cli], run.ctx, {
      stdoutLine: (line) => lines.push(line),
      stderrLine: (line) => stderr.push(line),
    });
    mkdirSync(fixturesDir(cli), { recursive: true });
    writeFileSync(`${fixturesDir(cli)}${recording.name}.jsonl`, `${lines.join("\n")}\n`);
    // What a CLI only says on stderr (an MCP server that did not start) is kept beside its stream.
    if (recording.keepStderr && stderr.some((line) => line.trim()))
      writeFileSync(`${fixturesDir(cli)}${recording.name}.stderr`, `${stderr.join("\n")}\n`);
    console.log(`${cli}/${recording.name}: ${lines.length} lines, ${fake.requests.length} model requests`);
    console.log(`  outcome: ${JSON.stringify(outcome)}`);
    for (const event of run.events) console.log(`  ${event.type} ${JSON.stringify(event.payload).slice(0, 300)}`);
  } finally {
    await sandbox.destroy();
    await fake.close();
  }
}

const wanted = (process.argv.slice(2) as CliName[]).filter((cli) => cli in AGENTS);
const only = process.env.RECORDING;
for (const cli of wanted.length > 0 ? wanted : (Object.keys(AGENTS) as CliName[])) {
  for (const recording of recordings(cli)) {
    if (!only || only === recording.name) await record(cli, recording);
  }
}
