import { randomBytes } from "node:crypto";
import pg from "pg";

/** The channel `oz_announce_principal_change()` (migration 1732300000000) notifies on. */
export const PRINCIPAL_CHANGES_CHANNEL = "oz_principals";
/** How the listening connection shows in `pg_stat_activity`. */
export const PRINCIPAL_LISTENER_APPLICATION_NAME = "oz-principal-listener";
/**
 * Every listener hears `<reply channel> <token>` here and answers `ack <token>` on the reply channel, once it
 * has handed on every change announced before: that is how `settle` knows the whole fleet is up to date.
 */
export const PRINCIPAL_SYNC_CHANNEL = "oz_principals_sync";
const REPLY_CHANNEL_PREFIX = "oz_principals_heartbeat_";
const SYNC_PAYLOAD = new RegExp(`^(${REPLY_CHANNEL_PREFIX}[0-9a-f]{12}) ([0-9a-f]{16})$`);

/** A connection that stopped hearing announcements (dead without a FIN, a pooler) is noticed within about this. */
const HEARTBEAT_INTERVAL_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
/** A listener that does not acknowledge in time is about to fail its own heartbeat and stop trusting its cache. */
const SETTLE_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 5_000;
const MAX_RETRY_DELAY_MS = 5_000;

export interface PrincipalChangeHandlers {
  /** Listening: from now on every committed change is announced. */
  connected(): void;
  /** Announcements may be missed until `connected` is called again (reported once per outage). */
  disconnected(err: Error): void;
  /** A committed change, by its payload (`team:<id>`, `user:<id>`, `*`). */
  changed(scope: string): void;
}

export interface PrincipalChangeListener {
  /** Settles (never rejects) once the first attempt to connect has succeeded or failed. */
  firstAttempt: Promise<void>;
  /**
   * Resolves (never rejects) once every change committed before the call has been handed to `changed` by
   * this listener and by every other listener on the database, or after a bounded wait. Postgres delivers
   * a listener's notifications in commit order, but to each listener in its own time (a busy backend or
   * process may lag), so this asks each of them to acknowledge a NOTIFY sent now, which reaches each one
   * after all earlier changes.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A dedicated connection that `LISTEN`s for principal changes, reconnecting for as long as it is open.
 * Postgres delivers a NOTIFY when the transaction that sent it commits, and only then. Anything that may lose
 * announcements — an error, the connection ending, a heartbeat not heard back — is reported as `disconnected`.
 * The heartbeat is a NOTIFY to a channel of this connection's own, so it proves announcements still arrive
 * (a transaction-pooling PgBouncer, where LISTEN cannot work, never passes it); `settle` uses the same echo.
 */
export function listenForPrincipalChanges(
  databaseUrl: string,
  handlers: PrincipalChangeHandlers,
): PrincipalChangeListener {
  const heartbeatChannel = `${REPLY_CHANNEL_PREFIX}${randomBytes(6).toString("hex")}`;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  /** An outage is reported once, from its first failure until the next successful LISTEN. */
  let reportedOutage = false;
  /** Ends the current connection without reporting it (used by `close`). */
  let stopCurrent: (() => Promise<void>) | undefined;
  /** While listening: waits for every listener to acknowledge a NOTIFY (see `settle` below). */
  let settleCurrent: (() => Promise<void>) | undefined;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: PRINCIPAL_LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    // Set once listening; `end` may run before that.
    let heartbeat: NodeJS.Timeout | undefined = undefined;
    /** Echoes sent to our own channel and not heard back yet, by payload. */
    const echoes = new Map<string, () => void>();
    /** Fleet-wide settles in progress, by token: called with each acknowledgement's responder. */
    const syncs = new Map<string, (responder?: string) => void>();
    let ended = false;
    const end = () => {
      ended = true;
      clearInterval(heartbeat);
      if (settleCurrent === settleHere) settleCurrent = undefined;
      client.removeAllListeners("notification");
      for (const heard of [...echoes.values(), ...syncs.values()]) heard(); // nobody waits on a dead connection
      return client.end().catch(() => {});
    };
    const lose = (err: Error) => {
      if (ended) return;
      void end();
      if (!reportedOutage) {
        reportedOutage = true;
        handlers.disconnected(err);
      }
      if (closed) return;
      failures += 1;
      retryTimer = setTimeout(() => void connect(), Math.min(100 * 2 ** (failures - 1), MAX_RETRY_DELAY_MS));
      retryTimer.unref();
    };
    const echo = async () => {
      const token = randomBytes(8).toString("hex");
      const heard = new Promise<void>((resolve) => echoes.set(token, resolve));
      try {
        await client.query("SELECT pg_notify($1, $2)", [heartbeatChannel, token]);
        await withTimeout(heard, HEARTBEAT_TIMEOUT_MS, "the principal listener did not hear its own echo");
      } finally {
        echoes.delete(token);
      }
    };
    const heartbeatOnce = () => echo().catch(lose);
    const settle = async () => {
      const token = randomBytes(8).toString("hex");
      const { rows } = await client.query<{ listeners: number }>(
        `SELECT count(*)::int AS listeners FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1`,
        [PRINCIPAL_LISTENER_APPLICATION_NAME],
      );
      let missing = rows[0]!.listeners; // this one included: it acknowledges its own request too
      let heardOurOwn = false;
      const acknowledged = new Promise<void>((resolve) =>
        syncs.set(token, (responder) => {
          missing -= 1;
          if (responder === heartbeatChannel) heardOurOwn = true;
          if (missing <= 0 || ended) resolve();
        }),
      );
      try {
        await client.query("SELECT pg_notify($1, $2)", [PRINCIPAL_SYNC_CHANNEL, `${heartbeatChannel} ${token}`]);
        // Another listener that stays silent is not waited for beyond this: it is about to fail its own
        // heartbeat and stop trusting its cache. Our own silence means this connection cannot be trusted.
        await withTimeout(acknowledged, SETTLE_TIMEOUT_MS, "").catch(() => {});
        if (!heardOurOwn && !ended) throw new Error("the principal listener did not hear its own settle request");
      } finally {
        syncs.delete(token);
      }
    };
    const settleHere = () => settle().catch(lose);
    const acknowledge = (payload: string) => {
      const request = SYNC_PAYLOAD.exec(payload);
      if (!request) return;
      const [, replyChannel, token] = request;
      client.query("SELECT pg_notify($1, $2)", [replyChannel, `ack ${token} ${heartbeatChannel}`]).catch(() => {});
    };

    stopCurrent = end;
    client.on("error", lose);
    client.on("end", () => lose(new Error("the principal listener's connection ended")));
    client.on("notification", (message) => {
      const payload = message.payload ?? "";
      if (message.channel === PRINCIPAL_CHANGES_CHANNEL) handlers.changed(payload || "*");
      else if (message.channel === PRINCIPAL_SYNC_CHANNEL) acknowledge(payload);
      else if (message.channel === heartbeatChannel) {
        const [word, token, responder] = payload.split(" ");
        if (word === "ack") syncs.get(token!)?.(responder);
        else echoes.get(payload)?.();
      }
    });
    try {
      await client.connect();
      await client.query(
        `LISTEN ${PRINCIPAL_CHANGES_CHANNEL}; LISTEN ${PRINCIPAL_SYNC_CHANNEL}; LISTEN ${heartbeatChannel}`,
      );
      await echo();
    } catch (err) {
      lose(err as Error);
      return;
    }
    if (ended) return;
    failures = 0;
    reportedOutage = false;
    handlers.connected();
    settleCurrent = settleHere;
    heartbeat = setInterval(() => void heartbeatOnce(), HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
  };

  const firstAttempt = connect();
  return {
    firstAttempt,
    settle: async () => {
      await settleCurrent?.();
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await stopCurrent?.();
    },
  };
}

async function withTimeout(promise: Promise<void>, timeoutMs: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
