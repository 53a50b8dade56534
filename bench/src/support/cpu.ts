import { readFileSync } from "node:fs";
import pg from "pg";

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc. 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * The CPU used by the Postgres backends serving one database — only this benchmark's connections, not the other
 * users of a shared server — and by this process (which includes a load generator's worker thread).
 */
export async function cpuMeter(databaseUrl: string) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const database = new URL(databaseUrl).pathname.slice(1);
  const backends = async () =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      )
    ).rows.map((row) => row.pid);
  const read = async () => {
    const own = process.cpuUsage();
    const pids = await backends();
    return { self: (own.user + own.system) / 1e6, postgres: new Map(pids.map((pid) => [pid, processCpuSeconds(pid)])) };
  };
  return {
    /** Starts a span; its `stop()` gives the CPU seconds used meanwhile by this process and by Postgres. */
    async start() {
      const before = await read();
      return {
        async stop() {
          const after = await read();
          let postgres = 0;
          for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
          return { self: after.self - before.self, postgres };
        },
      };
    },
    close: () => admin.end(),
  };
}
