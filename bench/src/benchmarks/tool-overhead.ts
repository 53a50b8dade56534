import type { NewRunEvent } from "@oz/contract";
import { newUuid } from "@oz/db";
import { createOutputBuffer, RunEventLog } from "@oz/events";
import { ozHarness, type HarnessContext } from "@oz/harness";
import { ModelCatalogue, ModelEntry } from "@oz/llm";
import { createRedis } from "@oz/queue";
import { DockerSandboxProvider } from "@oz/sandbox";
import { createTestDatabase, startFakeLlm } from "@oz/testing";
import { createTeam } from "../../../apps/api/test/support/internals.ts";
import type { Benchmark } from "../support/benchmark.ts";
import { docker, execBare } from "../support/bare-docker.ts";
import { onCleanup } from "../support/cleanup.ts";
import { wallClockMs } from "../support/clock.ts";
import { REDIS_URL, TEST_IMAGE, uniqueName } from "../support/platform.ts";
import { describeLatencies, median, ratio } from "../support/stats.ts";

const CALLS_PER_ROUND = 15;
const ROUNDS = 3;
const COMMAND = "echo hello";

/**
 * what the built-in `oz` harness adds around one tool call. The fake model (@oz/testing) asks for
 * `run_shell` 15 times per run; each call is timed from its `tool_call` event to its `tool_result` event as the
 * harness emits them into the real transcript (Postgres + Redis) — the model's time is outside that span, the
 * command's inside. The baseline is a bare dockerode exec of the same command in the same sandbox (create,
 * start attached, read to the end, inspect for the exit code). Rounds of each alternate.
 */
export const toolOverheadBench: Benchmark = {
  name: "tool-overhead",
  area: "harness",
  budgetMs: 180_000,
  async run(log) {
    const database = await createTestDatabase();
    onCleanup(() => database.drop());
    const { db } = database;
    const team = await createTeam(db, { teamName: "tools", admin: { email: "tools@example.com" } });
    const publisher = createRedis(REDIS_URL);
    onCleanup(async () => publisher.disconnect());
    const events = new RunEventLog(db, publisher, uniqueName("tools"));

    const provider = new DockerSandboxProvider();
    const workerId = uniqueName("tools");
    onCleanup(() => provider.reapOrphans(workerId, new Set()));
    const fake = await startFakeLlm({ apiKey: "sk-bench" });
    onCleanup(() => fake.close());
    const entry = ModelEntry.parse({
      id: "bench-model",
      provider: "openai",
      base_url: fake.openaiBaseUrl,
      api_key_secret: "LLM_KEY",
    });
    const models = new ModelCatalogue([entry], entry.id);

    const harnessSpans: number[] = [];
    const bareSpans: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const runId = newUuid();
      await db.run.create({
        data: {
          id: runId,
          teamId: team.teamId,
          title: "tool overhead",
          prompt: "run the command",
          creatorKind: "user",
          creatorId: team.userId,
          executorKind: "user",
          executorId: team.userId,
          agentConfig: {},
          conversationId: newUuid(),
        },
      });
      const sandbox = await provider.create({
        runId,
        teamId: team.teamId,
        workerId,
        image: TEST_IMAGE,
        env: {},
        network: "bridge",
        resources: { cpus: 2, memoryMb: 512, pidsLimit: 256 },
        workdir: "/workspace",
      });

      // The harness, emitting into the real transcript; each tool event is timed as it is emitted.
      const marks: { type: string; at: number }[] = [];
      const emit = async (batch: NewRunEvent[]) => {
        const at = wallClockMs();
        for (const event of batch)
          if (event.type === "tool_call" || event.type === "tool_result") marks.push({ type: event.type, at });
        return events.append(runId, batch);
      };
      fake.script(
        ...Array.from({ length: CALLS_PER_ROUND }, () => ({
          toolCalls: [{ name: "run_shell", arguments: { command: COMMAND } }],
        })),
        { toolCalls: [{ name: "finish", arguments: { summary: "done" } }] },
      );
      const ctx: HarnessContext = {
        run: { id: runId, prompt: "Run the command.", config: { harness: { type: "oz" } } },
        sandbox,
        cwd: "/workspace",
        env: {},
        emit,
        output: () => createOutputBuffer({ emit }),
        signal: new AbortController().signal,
        models,
        resolveSecret: async () => "sk-bench",
      };
      const outcome = await ozHarness.run(ctx);
      if (outcome.state !== "SUCCEEDED") throw new Error(`the harness ended ${outcome.state}: ${outcome.message}`);
      const spans = marks.flatMap((mark, i) =>
        mark.type === "tool_call" && marks[i + 1]?.type === "tool_result" ? [marks[i + 1]!.at - mark.at] : [],
      );
      if (spans.length !== CALLS_PER_ROUND) throw new Error(`timed ${spans.length} of ${CALLS_PER_ROUND} tool calls`);
      harnessSpans.push(...spans);

      const container = docker.getContainer(sandbox.id);
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        const started = wallClockMs();
        const { exitCode, stdout } = await execBare(container, COMMAND);
        if (exitCode !== 0 || stdout !== "hello\n") throw new Error(`bare exec: ${exitCode} ${stdout}`);
        bareSpans.push(wallClockMs() - started);
      }
      await sandbox.destroy();
      log(
        `round ${round + 1}: harness tool call p50 ${median(spans).toFixed(1)} ms, bare exec p50 ${median(bareSpans.slice(-CALLS_PER_ROUND)).toFixed(1)} ms`,
      );
    }
    const p50Ratio = median(harnessSpans) / median(bareSpans);
    return {
      target: "≤ 1.5× a bare dockerode exec of the same command",
      measured: `${ratio(p50Ratio)}× at p50`,
      pass: p50Ratio <= 1.5,
      details: [
        `subject  tool_call → tool_result (run_shell "${COMMAND}"): ${describeLatencies(harnessSpans)}`,
        `baseline bare exec of "${COMMAND}": ${describeLatencies(bareSpans)}`,
      ],
    };
  },
};
