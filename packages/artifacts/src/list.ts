import type { ArtifactItem, ArtifactType } from "@oz/contract";
import type { Db } from "@oz/db";

/** A run's artifacts, oldest first, as `RunItem.artifacts` shows them. */
export async function listRunArtifacts(db: Db, runId: string): Promise<ArtifactItem[]> {
  const rows = await db.artifact.findMany({ where: { runId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({
    artifact_type: row.type as ArtifactType,
    created_at: row.createdAt.toISOString(),
    data: row.data as Record<string, unknown>,
  }));
}
