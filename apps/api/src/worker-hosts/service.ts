import { principalString, type UserPrincipal } from "@oz/auth";
import type { WorkerHostItem } from "@oz/contract";
import type { Db } from "@oz/db";
import { forbidden, invalid, notFound } from "@oz/errors";

/** The default pool: every team may send runs to it without registering anything. */
const DEFAULT_POOL = "warp";

const present = (row: { host: string; createdAt: Date }): WorkerHostItem => ({
  host: row.host,
  created_at: row.createdAt.toISOString(),
});

function requireAdmin(caller: UserPrincipal) {
  if (caller.role !== "admin") throw forbidden("only team admins may register or remove worker hosts");
}

export async function listWorkerHosts(db: Db, teamId: string): Promise<WorkerHostItem[]> {
  const rows = await db.teamWorkerHost.findMany({ where: { teamId }, orderBy: { host: "asc" } });
  return rows.map(present);
}

/**
 * Registers a host for the caller's team; registering it again is a no-op. A host name is one queue that
 * every worker serving it consumes, so a name another team holds is refused rather than shared.
 */
export async function registerWorkerHost(db: Db, caller: UserPrincipal, host: string): Promise<WorkerHostItem> {
  requireAdmin(caller);
  await db.teamWorkerHost.createMany({
    data: [{ host, teamId: caller.teamId, createdBy: principalString(caller) }],
    skipDuplicates: true,
  });
  const row = await db.teamWorkerHost.findUnique({ where: { host } });
  if (!row || row.teamId !== caller.teamId) {
    throw invalid(`host: '${host}' is registered to another team; choose another name for your workers`);
  }
  return present(row);
}

/** Runs already queued for the host keep their queue; new runs naming it are refused. */
export async function removeWorkerHost(db: Db, caller: UserPrincipal, host: string): Promise<void> {
  requireAdmin(caller);
  const { count } = await db.teamWorkerHost.deleteMany({ where: { host, teamId: caller.teamId } });
  if (count === 0) throw notFound("worker host", host);
}

/**
 * A run may name only the default pool or a host its team registered; another team's host reads exactly
 * like an unknown one.
 */
export async function assertWorkerHostOfTeam(db: Db, teamId: string, host: string | undefined): Promise<void> {
  if (!host || host === DEFAULT_POOL) return;
  const found = await db.teamWorkerHost.findFirst({ where: { host, teamId }, select: { host: true } });
  if (!found) {
    throw invalid(
      `config.worker_host: '${host}' is not a worker host of this team; a team admin registers it with ` +
        "POST /api/v1/worker-hosts",
    );
  }
}
