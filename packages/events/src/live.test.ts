import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { RunEvent } from "@oz/contract";
import { publishRunEvents, RunEventHub } from "./live.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const connections: Redis[] = [];
const connect = () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: false });
  connections.push(redis);
  return redis;
};
afterAll(() => connections.forEach((c) => c.disconnect()));

const event = (seq: number): RunEvent => ({
  id: String(seq),
  seq,
  type: "output",
  created_at: new Date().toISOString(),
  payload: { text: `line ${seq}` },
});

describe("live run events", () => {
  it("reach the viewers of the same deployment (queue prefix) only, on one shared Redis", async () => {
    const [mine, theirs] = [`oz-a-${randomUUID().slice(0, 8)}`, `oz-b-${randomUUID().slice(0, 8)}`];
    const runId = randomUUID();
    const seen: Record<string, RunEvent[]> = { mine: [], theirs: [] };
    await new RunEventHub(connect(), mine).subscribe(runId, (events) => seen.mine!.push(...events));
    await new RunEventHub(connect(), theirs).subscribe(runId, (events) => seen.theirs!.push(...events));

    const publisher = connect();
    await publishRunEvents(publisher, mine, runId, [event(1)]);
    await expect.poll(() => seen.mine!.map((e) => e.seq)).toEqual([1]);
    await publishRunEvents(publisher, theirs, runId, [event(2)]);
    await expect.poll(() => seen.theirs!.map((e) => e.seq)).toEqual([2]);
    expect(seen.mine!.map((e) => e.seq)).toEqual([1]);
  });
});
