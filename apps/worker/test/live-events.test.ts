import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandRun, startTestPlatform, waitForState, type TestPlatform } from "./support/platform.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** Reads a Server-Sent Events response until it ends, as a browser's EventSource would parse it. */
async function readStream(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.server.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${platform.key}`, ...headers },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const messages: SseMessage[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: SseMessage = { data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const [field, ...rest] = line.split(": ");
        const value = rest.join(": ");
        if (field === "id") message.id = value;
        else if (field === "event") message.event = value;
        else if (field === "data") message.data += value;
      }
      if (message.data) messages.push(message);
    }
  }
  return messages;
}

describe("watching a run live", () => {
  it("streams the transcript as it happens and ends after the final state", async () => {
    const runId = await commandRun(platform, "echo first; sleep 1; echo second");
    const messages = await readStream(`/agent/runs/${runId}/events/stream`);
    const events = messages.filter((m) => !m.event).map((m) => JSON.parse(m.data));
    const output = events
      .filter((e) => e.type === "output")
      .map((e) => e.payload.text)
      .join("");
    expect(output).toBe("first\nsecond\n");
    expect(events.filter((e) => e.type === "state").map((e) => e.payload.state)).toEqual([
      "PENDING",
      "CLAIMED",
      "INPROGRESS",
      "SUCCEEDED",
    ]);
    expect(messages.at(-1)).toMatchObject({ event: "end" });
    // Every event carries its id, in increasing order, so a client can resume.
    const ids = messages.filter((m) => m.id).map((m) => BigInt(m.id!));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
  });

  it("resumes after Last-Event-ID without repeating or losing events", async () => {
    const runId = await commandRun(platform, "echo a; echo b");
    await waitForState(platform, runId);
    const all = (await readStream(`/agent/runs/${runId}/events/stream`)).filter((m) => m.id);
    const middle = all[Math.floor(all.length / 2)]!;
    const rest = (await readStream(`/agent/runs/${runId}/events/stream`, { "last-event-id": middle.id! })).filter(
      (m) => m.id,
    );
    expect(rest.map((m) => m.id)).toEqual(all.slice(all.indexOf(middle) + 1).map((m) => m.id));
  });

  it("serves the same stream on /events with Accept: text/event-stream", async () => {
    const runId = await commandRun(platform, "echo negotiated");
    const messages = await readStream(`/agent/runs/${runId}/events`, { accept: "text/event-stream" });
    expect(messages.some((m) => m.data.includes("negotiated"))).toBe(true);
  });

  it("does not let another team watch the run", async () => {
    const runId = await commandRun(platform, "echo private");
    const res = await fetch(`${platform.server.baseUrl}/agent/runs/${runId}/events/stream`, {
      headers: { authorization: `Bearer ${platform.server.otherTeam.apiKey}` },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/problem\+json/);
  });
});
