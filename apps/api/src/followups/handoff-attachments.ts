import type { Principal } from "@oz/auth";
import type { RunListHandoffAttachmentsResponse } from "@oz/contract";
import type { Db } from "@oz/db";
import { notFound } from "@oz/errors";
import { isRunId, visibleRunWhere } from "../runs/visibility.ts";

/**
 * `GET /agent/runs/{runId}/handoff/attachments`: the snapshot files the run's latest ended
 * execution uploaded. Our harnesses upload none (a follow-up's execution continues from the stored
 * conversation instead), so a visible run always answers `[]`.
 */
export async function listHandoffAttachments(
  db: Db,
  principal: Principal,
  runId: string,
): Promise<RunListHandoffAttachmentsResponse> {
  if (!isRunId(runId)) throw notFound("run", runId);
  const run = await db.run.findFirst({ where: visibleRunWhere(principal, runId), select: { id: true } });
  if (!run) throw notFound("run", runId);
  return { attachments: [] };
}
