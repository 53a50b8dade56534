import { principalString, type Principal } from "@oz/auth";
import type { UserProfile } from "@oz/contract";
import type { Db } from "@oz/db";

// Environments may be created and edited by people and by cloud agents, so `created_by` / `updated_by`
// hold a principal string (`user:<uid>` / `service_account:<uid>`).

export const editorRef = (principal: Principal): string => principalString(principal);

/** The `UserProfile` of every referenced editor; deleted agents keep their name (history stays readable). */
export async function loadEditorProfiles(db: Db, refs: (string | null)[]): Promise<Map<string, UserProfile>> {
  const userIds = new Set<string>();
  const agentIds = new Set<string>();
  for (const ref of refs) {
    const [kind, id] = ref?.split(":") ?? [];
    if (kind === "user" && id) userIds.add(id);
    if (kind === "service_account" && id) agentIds.add(id);
  }
  const [users, agents] = await Promise.all([
    userIds.size
      ? db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, displayName: true, email: true } })
      : [],
    agentIds.size ? db.agent.findMany({ where: { id: { in: [...agentIds] } }, select: { id: true, name: true } }) : [],
  ]);
  const profiles = new Map<string, UserProfile>();
  for (const u of users) {
    profiles.set(`user:${u.id}`, { uid: u.id, type: "user", display_name: u.displayName, email: u.email });
  }
  for (const a of agents) {
    profiles.set(`service_account:${a.id}`, { uid: a.id, type: "service_account", display_name: a.name });
  }
  return profiles;
}
