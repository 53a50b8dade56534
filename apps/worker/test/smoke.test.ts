import { afterAll, beforeAll, expect, it } from "vitest";
import { newUid, newUuid } from "@oz/db";
import { createTestDatabase, type TestDatabase } from "@oz/testing";
import { startTestWorker, type TestWorker } from "./support/test-worker.ts";

let database: TestDatabase;
let worker: TestWorker;
const teamId = newUid();

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.team.create({ data: { id: teamId, name: "t" } });
  worker = await startTestWorker(database.db);
});
afterAll(async () => {
  await worker?.close();
  await database?.drop();
});

it("smoke: a command run succeeds", async () => {
  const id = newUuid();
  await database.db.run.create({
    data: {
      id, teamId, title: "t", prompt: "say hi", creatorKind: "user", creatorId: "u", executorKind: "user", executorId: "u",
      agentConfig: { harness: { type: "command", command: 'echo "hello $OZ_PROMPT"' } }, conversationId: newUuid(),
    },
  });
  await worker.queues.enqueue({ id, workerHost: null });
  for (let i = 0; i < 100; i++) {
    const run = await database.db.run.findUniqueOrThrow({ where: { id } });
    if (["SUCCEEDED", "FAILED", "ERROR"].includes(run.state)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const run = await database.db.run.findUniqueOrThrow({ where: { id } });
  const events = await database.db.runEvent.findMany({ where: { runId: id }, orderBy: { seq: "asc" } });
  console.log(run.state, run.statusMessage, events.map((e) => [e.type, JSON.stringify(e.payload)]));
  expect(run.state).toBe("SUCCEEDED");
});
