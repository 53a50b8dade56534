import type { Principal } from "@oz/auth";
import type { Artifact, Db } from "@oz/db";

/** `member`: a caller who may see the run; `public`: anyone else reading a public artifact (no `filepath`). */
export type ArtifactView = "member" | "public";

/**
 * The artifact if this caller may read it: members of the run's team (for a personal run, only
 * its owner), or anyone — anonymous included — when the artifact is public. Otherwise null, which the route
 * answers with 404 so that existence is not revealed.
 */
export async function findReadableArtifact(
  db: Db,
  artifactUid: string,
  principal: Principal | null,
): Promise<{ artifact: Artifact; view: ArtifactView } | null> {
  const found = await db.artifact.findUnique({
    where: { id: artifactUid },
    include: { run: { select: { ownerUserId: true } } },
  });
  if (!found) return null;
  const { run, ...artifact } = found;
  const seesRun =
    principal !== null &&
    principal.teamId === artifact.teamId &&
    (run.ownerUserId === null || (principal.kind === "user" && principal.userId === run.ownerUserId));
  if (seesRun) return { artifact, view: "member" };
  if (artifact.isPublic) return { artifact, view: "public" };
  return null;
}
