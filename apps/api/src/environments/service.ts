import type { Principal } from "@oz/auth";
import type { CloudEnvironment, CreateEnvironmentRequest, UpdateEnvironmentRequest } from "@oz/contract";
import { newUid, type Db, type Environment } from "@oz/db";
import { notFound } from "@oz/errors";
import { editorRef, loadEditorProfiles } from "./editors.ts";
import { environmentColumns } from "./environment-columns.ts";
import { presentEnvironment } from "./presenter.ts";
import { taskActivity } from "./task-activity.ts";

export type EnvironmentSort = "name" | "last_updated";

const viewerUserId = (viewer: Principal) => (viewer.kind === "user" ? viewer.userId : null);

async function present(db: Db, viewer: Principal, envs: Environment[]): Promise<CloudEnvironment[]> {
  const [profiles, activity] = await Promise.all([
    loadEditorProfiles(
      db,
      envs.flatMap((e) => [e.createdBy, e.updatedBy]),
    ),
    taskActivity(
      db,
      viewer.teamId,
      envs.map((e) => e.id),
      viewerUserId(viewer),
    ),
  ]);
  return envs.map((env) => presentEnvironment(env, profiles, activity.get(env.id)));
}

/** A live environment of the caller's team; deleted ones and other teams' are a 404. */
async function findTeamEnvironment(db: Db, teamId: string, uid: string): Promise<Environment> {
  const env = await db.environment.findFirst({ where: { id: uid, teamId, deletedAt: null } });
  if (!env) throw notFound("environment", uid);
  return env;
}

export async function listEnvironments(db: Db, viewer: Principal, sortBy: EnvironmentSort) {
  const envs = await db.environment.findMany({
    where: { teamId: viewer.teamId, deletedAt: null },
    orderBy: sortBy === "name" ? [{ name: "asc" }, { id: "asc" }] : [{ updatedAt: "desc" }, { id: "desc" }],
  });
  return present(db, viewer, envs);
}

export async function getEnvironment(db: Db, viewer: Principal, uid: string): Promise<CloudEnvironment> {
  const env = await findTeamEnvironment(db, viewer.teamId, uid);
  const [presented] = await present(db, viewer, [env]);
  return presented!;
}

export async function createEnvironment(db: Db, caller: Principal, body: CreateEnvironmentRequest) {
  const editor = editorRef(caller);
  const env = await db.environment.create({
    data: {
      ...environmentColumns(body),
      id: newUid(),
      teamId: caller.teamId,
      name: body.name,
      dockerImage: body.docker_image,
      createdBy: editor,
      updatedBy: editor,
    },
  });
  const [presented] = await present(db, caller, [env]);
  return presented!;
}

export async function updateEnvironment(db: Db, caller: Principal, uid: string, body: UpdateEnvironmentRequest) {
  const { count } = await db.environment.updateMany({
    where: { id: uid, teamId: caller.teamId, deletedAt: null },
    data: { ...environmentColumns(body), updatedBy: editorRef(caller), updatedAt: new Date() },
  });
  if (count === 0) throw notFound("environment", uid);
  return getEnvironment(db, caller, uid);
}

/**
 * Soft delete: runs keep their `environment_id` for history, and cloud agents that default to it are left
 * pointing at it (like Oz integrations after `oz environment delete --force`).
 */
export async function deleteEnvironment(db: Db, caller: Principal, uid: string): Promise<void> {
  const now = new Date();
  const { count } = await db.environment.updateMany({
    where: { id: uid, teamId: caller.teamId, deletedAt: null },
    data: { deletedAt: now, updatedAt: now, updatedBy: editorRef(caller) },
  });
  if (count === 0) throw notFound("environment", uid);
}
