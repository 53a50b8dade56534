import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, insertRunRow, insertTeamRow, type TestDatabase } from "@oz/testing";
import { transitionRun } from "./state-machine.ts";

let database: TestDatabase;
let teamId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  teamId = await insertTeamRow(database.db);
});
afterAll(() => database.drop());

const queuedRun = () => insertRunRow(database.db, teamId);

describe("run state machine", () => {
  it("moves a run along an allowed edge and stamps updated_at", async () => {
    const runId = await queuedRun();
    const run = await transitionRun(database.db, { runId, to: "PENDING" });
    expect(run?.state).toBe("PENDING");
  });

  it("refuses an edge that is not in the table", async () => {
    const runId = await queuedRun();
    expect(await transitionRun(database.db, { runId, to: "SUCCEEDED" })).toBeNull();
    expect((await database.db.run.findUniqueOrThrow({ where: { id: runId } })).state).toBe("QUEUED");
  });

  it("lets exactly one of two racing actors win", async () => {
    const runId = await queuedRun();
    const results = await Promise.all([
      transitionRun(database.db, { runId, to: "CANCELLED" }),
      transitionRun(database.db, { runId, to: "PENDING" }),
      transitionRun(database.db, { runId, to: "CANCELLED" }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("guards on the worker that holds the run", async () => {
    const runId = await queuedRun();
    await transitionRun(database.db, { runId, to: "PENDING" });
    await transitionRun(database.db, { runId, to: "CLAIMED", patch: { workerId: "w1" } });
    expect(await transitionRun(database.db, { runId, to: "INPROGRESS", workerId: "w2" })).toBeNull();
    expect((await transitionRun(database.db, { runId, to: "INPROGRESS", workerId: "w1" }))?.state).toBe("INPROGRESS");
  });
});
