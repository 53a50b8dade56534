import type { Principal } from "@oz/auth";
import { GithubRepo, type AgentSkill, type AgentSkillVariant, type ListAgentSkillsQuery } from "@oz/contract";
import { Prisma, type Db } from "@oz/db";
import { loadSecretsForRun, type SecretBox } from "@oz/secrets";
import { skillId, skillNameFromPath } from "@oz/skills";
import { visibleRunsSql } from "../runs/visibility.ts";
import type { RepoLocation } from "./read-repo-skills.ts";
import type { SkillDiscovery } from "./skill-discovery.ts";

export interface ListSkillsDeps {
  db: Db;
  secretBox: SecretBox;
  discovery: Pick<SkillDiscovery, "skillsOf">;
  /** Base URL `owner/repo` repositories without their own `url` are read from (as the worker clones them). */
  githubUrl: string;
  log?: { warn(obj: object, message: string): void };
}

/** One repository (at one branch) of the team's environments, and the environments that include it. */
interface RepoInEnvironments {
  key: string;
  repo: GithubRepo;
  environments: { uid: string; name: string }[];
  /** An environment whose secrets include GITHUB_TOKEN (used to read a GitHub repository without `url`). */
  tokenEnvironment?: string;
}

/**
 * `GET /agent`: the skills in the repositories of the team's environments, grouped by name, one
 * variant per SKILL.md. A repository that cannot be read is left out (and logged); its skills reappear once it can.
 */
export async function listSkills(
  deps: ListSkillsDeps,
  principal: Principal,
  query: ListAgentSkillsQuery,
): Promise<AgentSkill[]> {
  const repos = await reposOfEnvironments(deps.db, principal.teamId, query.repo);
  const token = repos.some((r) => r.tokenEnvironment) ? await githubToken(deps, principal.teamId) : undefined;

  const variants = new Map<string, AgentSkillVariant & { skillName: string }>();
  const found = await Promise.all(
    repos.map(async (entry) => ({
      entry,
      skills: await deps.discovery.skillsOf(principal.teamId, entry.key, locationOf(entry, deps.githubUrl, token), {
        refresh: query.refresh,
      }),
    })),
  );
  for (const { entry, skills } of found) {
    if ("error" in skills) {
      deps.log?.warn({ repo: entry.key, err: skills.error }, "skill discovery could not read a repository");
      continue;
    }
    for (const { path, file } of skills.files) {
      if (!file.ok && !query.include_malformed_skills) continue;
      const id = skillId(entry.repo.owner, entry.repo.repo, path);
      const known = variants.get(id);
      if (known) {
        // The same file through another branch or environment: one variant, available in both.
        for (const env of entry.environments)
          if (!known.environments.some((e) => e.uid === env.uid)) known.environments.push(env);
        continue;
      }
      variants.set(id, {
        skillName: (file.ok && file.name) || skillNameFromPath(path),
        id,
        base_prompt: file.body,
        description: file.ok ? file.description : "",
        environments: [...entry.environments],
        source: { owner: entry.repo.owner, name: entry.repo.repo, skill_path: path },
        ...(!file.ok && { error: file.error }),
      });
    }
  }

  const lastRuns = await lastRunBySkill(deps.db, principal);
  const groups = new Map<string, AgentSkillVariant[]>();
  for (const { skillName, ...variant } of variants.values()) {
    variant.last_run_timestamp = lastRuns.get(variant.id)?.toISOString() ?? null;
    groups.set(skillName, [...(groups.get(skillName) ?? []), variant]);
  }
  const skills = [...groups].map(([name, list]) => ({
    name,
    variants: list.sort((a, b) => a.id.localeCompare(b.id)),
  }));
  return query.sort_by === "last_run" ? skills.sort(byLastRun) : skills.sort(byName);
}

async function reposOfEnvironments(db: Db, teamId: string, only: string | undefined): Promise<RepoInEnvironments[]> {
  const environments = await db.environment.findMany({
    where: { teamId, deletedAt: null },
    select: { id: true, name: true, repos: true, secrets: true },
    orderBy: { createdAt: "asc" },
  });
  const byKey = new Map<string, RepoInEnvironments>();
  for (const environment of environments) {
    const repos = GithubRepo.array().safeParse(environment.repos);
    for (const repo of repos.success ? repos.data : []) {
      if (only && `${repo.owner}/${repo.repo}`.toLowerCase() !== only.toLowerCase()) continue;
      const key = `${repo.url ?? `${repo.owner}/${repo.repo}`}#${repo.branch ?? ""}`;
      const entry = byKey.get(key) ?? { key, repo, environments: [] };
      entry.environments.push({ uid: environment.id, name: environment.name });
      if (!repo.url && environment.secrets.includes("GITHUB_TOKEN")) entry.tokenEnvironment = environment.id;
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()];
}

/** Like the worker's clone: the repository's own `url`, else `owner/repo` on GitHub, with the team's token. */
function locationOf(entry: RepoInEnvironments, githubUrl: string, token: string | undefined): RepoLocation {
  const branch = entry.repo.branch ? { branch: entry.repo.branch } : {};
  if (entry.repo.url) return { url: entry.repo.url, ...branch };
  const url = new URL(`${githubUrl.replace(/\/$/, "")}/${entry.repo.owner}/${entry.repo.repo}.git`);
  if (token && entry.tokenEnvironment && url.protocol === "https:") {
    url.username = "x-access-token";
    url.password = token;
    return { url: url.toString(), secret: token, ...branch };
  }
  return { url: url.toString(), ...branch };
}

async function githubToken(deps: ListSkillsDeps, teamId: string): Promise<string | undefined> {
  try {
    return (await loadSecretsForRun(deps.db, deps.secretBox, teamId, ["GITHUB_TOKEN"])).GITHUB_TOKEN;
  } catch {
    return undefined; // named by an environment but deleted since: read the repository without it
  }
}

/** When each skill file was last used by a run the caller can see (the worker records the file it loaded). */
async function lastRunBySkill(db: Db, principal: Principal): Promise<Map<string, Date>> {
  const rows = await db.$queryRaw<{ skill: string; last_run: Date }[]>(Prisma.sql`
    SELECT r.agent_skill->>'full_path' AS skill, max(r.created_at) AS last_run
      FROM runs r
     WHERE ${visibleRunsSql(principal)} AND r.agent_skill->>'full_path' IS NOT NULL
     GROUP BY 1`);
  return new Map(rows.map((row) => [row.skill, row.last_run]));
}

const byName = (a: AgentSkill, b: AgentSkill) => a.name.localeCompare(b.name);

function byLastRun(a: AgentSkill, b: AgentSkill): number {
  const latest = (skill: AgentSkill) =>
    Math.max(...skill.variants.map((v) => (v.last_run_timestamp ? Date.parse(v.last_run_timestamp) : -Infinity)));
  return latest(b) - latest(a) || byName(a, b);
}
