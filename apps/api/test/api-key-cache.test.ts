import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey, PRINCIPAL_LISTENER_APPLICATION_NAME } from "@oz/auth";
import { expectProblem } from "./support/expect-problem.ts";
import { addTeamMember } from "./support/members.ts";
import { call, startTestServer, type TestServer } from "./support/test-server.ts";

// API-key principals are cached in each API process (packages/auth/src/principal-cache.ts). These tests
// prove the cache never lets a key do more than the database says it may, on any instance.

let server: TestServer;
let replica: { baseUrl: string };
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  replica = await server.startReplica();
  admin = server.team.apiKey;
});
afterAll(() => server.close());

const instances = () => [server, replica];
const whoami = (on: { baseUrl: string }, key: string) => call(on, "GET", "/whoami", { key });

/** Uses the key on every instance until each has it cached (a second use is answered from memory). */
async function warm(key: string) {
  for (const instance of instances()) {
    for (let i = 0; i < 2; i++) expect((await whoami(instance, key)).status).toBe(200);
  }
}

async function createKey(body: Record<string, unknown> = {}) {
  const res = await call(server, "POST", "/api-keys", { key: admin, body: { name: "cached", ...body } });
  expect(res.status).toBe(200);
  return res.json as { uid: string; key: string };
}

/** Revokes a key as if its announcement were lost: the change commits, but no trigger fires. */
async function revokeUnannounced(key: string, databaseUrl = server.database.url) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    await client.query(`UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1`, [hashApiKey(key)]);
  } finally {
    await client.end();
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe("revoking a cached key", () => {
  it("a key deleted through the API is refused on its very next request, by every instance", async () => {
    const created = await createKey();
    await warm(created.key);

    expect((await call(replica, "DELETE", `/api-keys/${created.uid}`, { key: admin })).status).toBe(204);
    for (const instance of instances()) {
      expectProblem(await whoami(instance, created.key), 401, "authentication_required", /unknown or has been deleted/);
    }
  });

  it("deleting a cloud agent revokes its cached keys everywhere", async () => {
    const agent = (await call(server, "POST", "/agent/identities", { key: admin, body: { name: "Short-lived" } })).json;
    const agentKey = await createKey({ agent_uid: agent.uid });
    await warm(agentKey.key);

    expect((await call(server, "DELETE", `/agent/identities/${agent.uid}`, { key: admin })).status).toBe(204);
    for (const instance of instances()) {
      expectProblem(await whoami(instance, agentKey.key), 401, "authentication_required");
    }
  });

  it("renaming a cloud agent shows in its key's principal at once", async () => {
    const agent = (await call(server, "POST", "/agent/identities", { key: admin, body: { name: "Before" } })).json;
    const agentKey = await createKey({ agent_uid: agent.uid });
    await warm(agentKey.key);

    const renamed = await call(server, "PUT", `/agent/identities/${agent.uid}`, {
      key: admin,
      body: { name: "After" },
    });
    expect(renamed.status).toBe(200);
    for (const instance of instances()) {
      expect((await whoami(instance, agentKey.key)).json).toMatchObject({ display_name: "After" });
    }
  });

  // Changes made outside the API (the worker, an operator's SQL; here the test's own Prisma client) reach every
  // instance as soon as Postgres delivers the notification: milliseconds, where a missed one would be 30 s.
  const SOON_MS = 1_000;
  const everywhereSoon = async (check: (instance: { baseUrl: string }) => Promise<boolean>) => {
    for (const instance of instances()) expect(await eventually(() => check(instance), SOON_MS)).toBe(true);
  };

  it("a member who leaves the team, or changes role, is seen as such within moments, whoever wrote it", async () => {
    const member = await addTeamMember(server, server.team.teamId, "member");
    await warm(member.apiKey);
    const { db } = server.database;
    const membership = { teamId_userId: { teamId: server.team.teamId, userId: member.userId } };

    await db.membership.update({ where: membership, data: { role: "admin" } });
    await everywhereSoon(async (instance) => (await whoami(instance, member.apiKey)).json?.role === "admin");

    await db.membership.delete({ where: membership });
    await everywhereSoon(async (instance) => (await whoami(instance, member.apiKey)).status === 401);
    expectProblem(await whoami(server, member.apiKey), 401, "authentication_required", /no longer has access/);
  });

  it("renaming the team shows in its keys' principals within moments", async () => {
    await warm(admin);
    await server.database.db.team.update({ where: { id: server.team.teamId }, data: { name: "acme renamed" } });
    await everywhereSoon(async (instance) => (await whoami(instance, admin)).json?.team?.name === "acme renamed");
  });
});

describe("expiry", () => {
  it("a cached key is refused the moment it expires", async () => {
    const created = await createKey({ expires_in: "1d" });
    const expiresAt = new Date(Date.now() + 1_500);
    await server.database.db.apiKey.update({ where: { id: created.uid }, data: { expiresAt } });
    await warm(created.key);

    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 10));
    for (const instance of instances()) {
      expectProblem(await whoami(instance, created.key), 401, "authentication_required", /expired/);
    }
  });
});

describe("when announcements may be lost, the cache is not trusted", () => {
  it("a revocation nobody heard of stops working once the listening connection drops", async () => {
    const created = await createKey();
    await warm(created.key);
    await revokeUnannounced(created.key);
    // Answered from memory: this is exactly the staleness the announcements exist to prevent.
    expect((await whoami(server, created.key)).status).toBe(200);

    const sql = new pg.Client({ connectionString: server.database.url });
    await sql.connect();
    try {
      const { rowCount } = await sql.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1`,
        [PRINCIPAL_LISTENER_APPLICATION_NAME],
      );
      expect(rowCount).toBe(2); // the server's and the replica's
    } finally {
      await sql.end();
    }
    // Each instance notices its connection is gone (milliseconds), empties its cache and asks the database.
    for (const instance of instances()) {
      expect(await eventually(async () => (await whoami(instance, created.key)).status === 401, 2_000)).toBe(true);
    }
  });

  it("without a listening connection, every request asks the database", async () => {
    const unlistened = await startTestServer({ databaseUrl: "postgresql://postgres@127.0.0.1:1/unreachable" });
    try {
      const key = unlistened.team.apiKey;
      for (let i = 0; i < 3; i++) expect((await whoami(unlistened, key)).status).toBe(200);
      await revokeUnannounced(key, unlistened.database.url);
      expectProblem(await whoami(unlistened, key), 401, "authentication_required");
    } finally {
      await unlistened.close();
    }
  });

  it("caches again once the connection is back", async () => {
    // After the outage two tests up, the instances reconnect by themselves; then keys are remembered again.
    const servedFromMemory = await eventually(async () => {
      const created = await createKey();
      await warm(created.key);
      await revokeUnannounced(created.key);
      return (await whoami(server, created.key)).status === 200;
    }, 10_000);
    expect(servedFromMemory).toBe(true);
  });
});
