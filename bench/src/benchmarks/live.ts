import type { Benchmark } from "../support/benchmark.ts";
import { createBare } from "../support/bare-docker.ts";
import { SANDBOX_CLOCK_US, sandboxClockMs, wallClockMs } from "../support/clock.ts";
import { createCommandRun, startApi, startWorker, TEST_IMAGE, waitForRunsToEnd } from "../support/platform.ts";
import { describeLatencies, median, ms } from "../support/stats.ts";

const LINES = 40;
/** Prints a line every 100 ms, each carrying the sandbox's clock at the moment it is printed. */
const TICKER = `i=0; while [ $i -lt ${LINES} ]; do echo "line $i $(${SANDBOX_CLOCK_US})"; sleep 0.1; i=$((i+1)); done`;
const RUNS = 2;

/**
 * a line printed in the sandbox → the same line arriving at an SSE client of
 * `GET /api/v1/agent/runs/{id}/events/stream`. Each line carries the sandbox's clock when printed and is timed
 * when its chunk arrives at the client (same host clock). For scale, the same ticker in a bare container is
 * read straight from Docker's attach stream: the part of the latency that is Docker's alone.
 */
export const liveBench: Benchmark = {
  name: "live",
  area: "execution",
  budgetMs: 120_000,
  async run(log) {
    const server = await startApi();
    await startWorker(server, { concurrency: 1 });

    const latencies: number[] = [];
    for (let round = 0; round < RUNS; round++) {
      const runId = await createCommandRun(server, TICKER);
      const res = await fetch(`${server.baseUrl}/agent/runs/${runId}/events/stream`, {
        headers: { authorization: `Bearer ${server.team.apiKey}`, accept: "text/event-stream" },
      });
      if (res.status !== 200 || !res.body) throw new Error(`the live stream answered ${res.status}`);
      const seen = await readTicks(res.body, (arrivedAt, text) => {
        for (const [, , stamp] of text.matchAll(/line (\d+) (\d+)/g))
          latencies.push(arrivedAt - sandboxClockMs(stamp!));
      });
      await waitForRunsToEnd(server.database.db, [runId], 30_000);
      if (seen !== LINES) throw new Error(`the stream delivered ${seen} of ${LINES} lines`);
      log(`run ${round + 1}: ${LINES} lines, p50 so far ${ms(median(latencies))}`);
    }

    const bare = await bareTickerLatencies();
    const p50 = median(latencies);
    return {
      target: "≤ 50 ms p50 from print to SSE client",
      measured: `p50 ${ms(p50)}`,
      pass: p50 <= 50,
      details: [
        `sandbox print → SSE client: ${describeLatencies(latencies)}`,
        `for scale, bare container print → Docker attach stream: ${describeLatencies(bare)}`,
      ],
    };
  },
};

/** Reads SSE messages until the `end` event; hands every output event's text to `onOutput` with its arrival time. */
async function readTicks(body: ReadableStream<Uint8Array>, onOutput: (arrivedAt: number, text: string) => void) {
  const decoder = new TextDecoder();
  let buffer = "";
  let lines = 0;
  for await (const chunk of body) {
    const arrivedAt = wallClockMs();
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (message.startsWith("event: end")) return lines;
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (!data) continue;
      const event = JSON.parse(data) as { type: string; payload: { text?: string } };
      if (event.type !== "output" || !event.payload.text) continue;
      lines += [...event.payload.text.matchAll(/line \d+ \d+/g)].length;
      onOutput(arrivedAt, event.payload.text);
    }
  }
  return lines;
}

async function bareTickerLatencies(): Promise<number[]> {
  const container = await createBare(TEST_IMAGE, TICKER);
  const stream = await container.attach({ stream: true, stdout: true, stderr: false });
  const latencies: number[] = [];
  stream.on("data", (chunk: Buffer) => {
    const arrivedAt = wallClockMs();
    for (const [, , stamp] of chunk.toString("latin1").matchAll(/line (\d+) (\d+)/g))
      latencies.push(arrivedAt - sandboxClockMs(stamp!));
  });
  await container.start();
  await container.wait();
  await container.remove({ force: true });
  return latencies;
}
