import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newUuid } from "@oz/db";
import { createTestDatabase, insertTeamRow, type TestDatabase } from "@oz/testing";
import { createRunInserter, type NewRun } from "./insert-run.ts";

let database: TestDatabase;
let teamId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  teamId = await insertTeamRow(database.db);
});
afterAll(() => database.drop());

const newRun = (fields: Partial<NewRun> = {}): NewRun => ({
  id: newUuid(),
  teamId,
  ownerUserId: null,
  title: "Fix the bug",
  prompt: "Fix the bug",
  source: "API",
  creator: { kind: "user", id: "u1" },
  executor: { kind: "service_account", id: "a1" },
  config: { name: "triage", model_id: "m", worker_host: "host-1", environment_id: "e1", skill_spec: "o/r:s" },
  parentRunId: null,
  conversationId: newUuid(),
  mode: "normal",
  interactive: true,
  metadata: { ticket: "VIS-1" },
  attachments: [{ file_name: "a.txt", mime_type: "text/plain", data: "aGk=" }],
  idempotencyKey: null,
  schedule: null,
  ...fields,
});

describe("recording runs under concurrent creation", () => {
  it("records every run of a burst, each with its own columns", async () => {
    const insert = createRunInserter(database.db);
    const runs = Array.from({ length: 40 }, (_, i) => newRun({ title: `run ${i}`, ownerUserId: i % 2 ? "u1" : null }));
    expect(await Promise.all(runs.map(insert))).toEqual(runs.map(() => true));

    const stored = await database.db.run.findMany({ where: { id: { in: runs.map((r) => r.id) } } });
    expect(stored).toHaveLength(40);
    const one = stored.find((row) => row.id === runs[7]!.id)!;
    expect(one).toMatchObject({
      state: "QUEUED",
      title: "run 7",
      ownerUserId: "u1",
      creatorKind: "user",
      executorKind: "service_account",
      configName: "triage",
      modelId: "m",
      workerHost: "host-1",
      environmentId: "e1",
      skillSpec: "o/r:s",
      interactive: true,
      metadata: { ticket: "VIS-1" },
      attachments: [{ file_name: "a.txt", mime_type: "text/plain", data: "aGk=" }],
      agentConfig: runs[7]!.config,
    });
  });

  it("a run the database refuses fails alone; the others of its batch are recorded", async () => {
    const insert = createRunInserter(database.db);
    const good = Array.from({ length: 10 }, () => newRun());
    const bad = newRun({ teamId: "no-such-team" });
    const outcomes = await Promise.allSettled([...good.slice(0, 5), bad, ...good.slice(5)].map(insert));

    expect(outcomes[5]!.status).toBe("rejected");
    expect(outcomes.filter((o) => o.status === "fulfilled").map((o) => o.value)).toEqual(good.map(() => true));
    expect(await database.db.run.count({ where: { id: { in: good.map((r) => r.id) } } })).toBe(10);
  });

  it("records one run per Idempotency-Key, also when both arrive in the same batch", async () => {
    const insert = createRunInserter(database.db);
    const runs = Array.from({ length: 6 }, () => newRun({ idempotencyKey: "same-key" }));
    const inserted = await Promise.all(runs.map(insert));
    expect(inserted.filter(Boolean)).toHaveLength(1);
    expect(await database.db.run.count({ where: { teamId, idempotencyKey: "same-key" } })).toBe(1);
  });
});
