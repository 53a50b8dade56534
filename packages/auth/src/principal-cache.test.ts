import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@oz/testing";
import {
  PrincipalCache,
  startPrincipalCache,
  type KeyRecord,
  type ListeningPrincipalCache,
} from "./principal-cache.ts";
import { PRINCIPAL_LISTENER_APPLICATION_NAME, PRINCIPAL_SYNC_CHANNEL } from "./principal-changes.ts";
import type { Principal } from "./principal.ts";

const user = (teamId: string, userId: string): Principal => ({
  kind: "user",
  userId,
  teamId,
  teamName: teamId,
  role: "member",
  email: `${userId}@example.com`,
  displayName: userId,
  apiKeyId: `key-${userId}`,
});
const record = (principal: Principal | null): KeyRecord => ({
  keyId: "k",
  expiresAt: null,
  lastUsedAt: null,
  principal,
});

/** A loader that counts how often the cache had to ask. */
function loader(result: KeyRecord | null) {
  const load = async () => {
    load.calls += 1;
    return result && { ...result };
  };
  load.calls = 0;
  return load;
}

function trustedCache(options: ConstructorParameters<typeof PrincipalCache>[0] = {}) {
  const cache = new PrincipalCache(options);
  cache.setTrusted(true);
  return cache;
}

describe("the principal cache", () => {
  it("answers a key from memory after its first lookup", async () => {
    const cache = trustedCache();
    const load = loader(record(user("t1", "u1")));
    await cache.resolve("h", load);
    const again = await cache.resolve("h", load);
    expect(again?.principal).toMatchObject({ userId: "u1" });
    expect(load.calls).toBe(1);
  });

  it("never remembers unknown keys or keys whose owner lost access", async () => {
    const cache = trustedCache();
    for (const result of [null, record(null)]) {
      const load = loader(result);
      await cache.resolve("h", load);
      await cache.resolve("h", load);
      expect(load.calls).toBe(2);
    }
  });

  it("is bypassed while untrusted, and emptied when it loses trust", async () => {
    const cache = new PrincipalCache();
    const load = loader(record(user("t1", "u1")));
    await cache.resolve("h", load);
    await cache.resolve("h", load);
    expect(load.calls).toBe(2);

    cache.setTrusted(true);
    await cache.resolve("h", load);
    cache.setTrusted(false);
    expect(cache.size).toBe(0);
  });

  it("does not remember a lookup that was in flight when something changed", async () => {
    const cache = trustedCache();
    let finish!: (value: KeyRecord) => void;
    const slow = cache.resolve("h", () => new Promise<KeyRecord>((resolve) => (finish = resolve)));
    cache.invalidate("team:t1"); // the lookup may have read the rows from before this change
    finish(record(user("t1", "u1")));
    await slow;
    expect(cache.size).toBe(0);
  });

  it("evicts only what a change touches: a team's principals, or a user's in every team", async () => {
    const cache = trustedCache();
    await cache.resolve("a", loader(record(user("t1", "u1"))));
    await cache.resolve("b", loader(record(user("t2", "u1"))));
    await cache.resolve("c", loader(record(user("t2", "u2"))));
    cache.invalidate("team:t1");
    expect(cache.size).toBe(2);
    cache.invalidate("user:u1");
    expect(cache.size).toBe(1);
    cache.invalidate("*");
    expect(cache.size).toBe(0);
  });

  it("looks a key up again after the TTL", async () => {
    const cache = trustedCache({ ttlMs: 50 });
    const load = loader(record(user("t1", "u1")));
    await cache.resolve("h", load);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await cache.resolve("h", load);
    expect(load.calls).toBe(2);
  });
});

describe("the cache's LISTEN connection (real Postgres)", () => {
  let database: TestDatabase;
  let listening: ListeningPrincipalCache;
  let sql: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    listening = await startPrincipalCache(database.url);
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    await sql.query(`INSERT INTO teams (id, name) VALUES ('t1', 'one'), ('t2', 'two')`);
    await sql.query(`INSERT INTO users (id, email, display_name) VALUES ('u1', 'u1@example.com', 'U')`);
  });
  afterAll(async () => {
    await sql.end();
    await listening.close();
    await database.drop();
  });

  const cacheTeams = async () => {
    const { cache } = listening;
    for (const team of ["t1", "t2"]) await cache.resolve(team, loader(record(user(team, `u-${team}`))));
    return cache;
  };

  // `settle` waits for a NOTIFY of its own, which Postgres delivers after every change committed before it.
  it("hears a committed change as soon as it commits, and only the team it touched is evicted", async () => {
    const cache = await cacheTeams();
    expect(cache.size).toBe(2);
    await sql.query(`UPDATE teams SET name = 'renamed' WHERE id = 't1'`);
    await listening.settle();
    expect(cache.size).toBe(1);
  });

  it("hears nothing of a change that rolled back, nor of last_used_at bookkeeping", async () => {
    const cache = await cacheTeams();
    await sql.query(`BEGIN; UPDATE teams SET name = 'never' WHERE id = 't1'; ROLLBACK`);
    await sql.query(
      `INSERT INTO api_keys (id, team_id, user_id, name, key_hash, key_suffix) VALUES ('k1', 't2', 'u1', 'k', 'h', 'abcd')`,
    );
    await cacheTeams();
    await sql.query(`UPDATE api_keys SET last_used_at = now() WHERE id = 'k1'`);
    await listening.settle();
    expect(cache.size).toBe(2);
  });

  /**
   * A connection that counts as another process's listener, and acknowledges settle requests after `delayMs`.
   * `close` waits for its acknowledgements to finish sending: the listener may hear one before the peer's own
   * query has returned.
   */
  async function otherListener(delayMs: number | "never") {
    const peer = new pg.Client({
      connectionString: database.url,
      application_name: PRINCIPAL_LISTENER_APPLICATION_NAME,
    });
    await peer.connect();
    const acks: Promise<unknown>[] = [];
    if (delayMs !== "never") {
      peer.on("notification", ({ payload }) => {
        const [replyChannel, token] = (payload ?? "").split(" ");
        const sent = new Promise((resolve) => setTimeout(resolve, delayMs)).then(() =>
          peer.query("SELECT pg_notify($1, $2)", [replyChannel, `ack ${token} peer`]),
        );
        acks.push(sent);
      });
      await peer.query(`LISTEN ${PRINCIPAL_SYNC_CHANNEL}`);
    }
    return {
      async close() {
        await Promise.all(acks);
        await peer.end();
      },
    };
  }

  // Postgres hands a notification to each listener in its own time; a busy replica may lag behind this one.
  it("settles only once every other listener has acknowledged, so a lagging replica cannot serve a revoked key", async () => {
    const peer = await otherListener(300);
    try {
      const started = Date.now();
      await listening.settle();
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await peer.close();
    }
  });

  it("does not wait for ever on a listener that never answers, and keeps trusting its own connection", async () => {
    const peer = await otherListener("never");
    try {
      const started = Date.now();
      await listening.settle();
      expect(Date.now() - started).toBeLessThan(4_000);
      const cache = await cacheTeams();
      expect(cache.size).toBe(2); // still trusted: it heard its own request
    } finally {
      await peer.close();
    }
  });
});
