import type { GithubRepo } from "@oz/contract";
import { SandboxError, type Sandbox } from "@oz/sandbox";
import { candidatePaths, parseSkillFile, parseSkillSpec, skillId, skillNameFromPath } from "@oz/skills";

/** A skill file read from a checkout: what `RunItem.agent_skill` records and what the harness is told. */
export interface LoadedSkill {
  /** `owner/repo:path/to/SKILL.md` (recorded as `agent_skill.full_path`). */
  id: string;
  name: string;
  description: string;
  /** The instructions: the file without its front matter. */
  body: string;
}

export type SkillLoad =
  | { ok: true; skills: LoadedSkill[] }
  | { ok: false; errorCode: "resource_not_found" | "invalid_request"; message: string };

/** A repository of the run's environment and where it was cloned in the sandbox. */
export interface Checkout {
  repo: GithubRepo;
  dir: string;
}

/**
 * Reads the run's skills (`skill`, `skill_spec` / `skills`) from the environment's repositories
 * as cloned into the sandbox. A spec naming a repository the environment does not have, or a file that is not
 * there, fails the run `resource_not_found` naming the skill; a SKILL.md that cannot be read, `invalid_request`.
 */
export async function loadRunSkills(
  sandbox: Sandbox,
  specs: readonly string[],
  checkouts: Checkout[],
): Promise<SkillLoad> {
  const skills: LoadedSkill[] = [];
  for (const spec of specs) {
    const loaded = await loadSkill(sandbox, spec, checkouts);
    if (!loaded.ok) return loaded;
    skills.push(loaded.skill);
  }
  return { ok: true, skills };
}

async function loadSkill(
  sandbox: Sandbox,
  spec: string,
  checkouts: Checkout[],
): Promise<{ ok: true; skill: LoadedSkill } | Extract<SkillLoad, { ok: false }>> {
  const parsed = parseSkillSpec(spec);
  if (!parsed) {
    return {
      ok: false,
      errorCode: "invalid_request",
      message: `Skill "${spec}" is not a skill spec: use owner/repo:name or owner/repo:path/to/SKILL.md.`,
    };
  }
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const checkout = checkouts.find(
    ({ repo }) => same(repo.repo, parsed.repo) && (parsed.owner === undefined || same(repo.owner, parsed.owner)),
  );
  const repoName = parsed.owner ? `${parsed.owner}/${parsed.repo}` : parsed.repo;
  if (!checkout) {
    return {
      ok: false,
      errorCode: "resource_not_found",
      message:
        checkouts.length === 0
          ? `Skill "${spec}" not found: the run has no environment with repositories to load it from.`
          : `Skill "${spec}" not found: repository ${repoName} is not one of the run's environment.`,
    };
  }
  const paths = candidatePaths(parsed.target);
  for (const path of paths) {
    const text = await readIfPresent(sandbox, `${checkout.dir}/${path}`);
    if (text === undefined) continue;
    const id = skillId(checkout.repo.owner, checkout.repo.repo, path);
    const file = parseSkillFile(text);
    if (!file.ok) {
      return {
        ok: false,
        errorCode: "invalid_request",
        message: `Skill "${spec}" (${id}) cannot be used: ${file.error}.`,
      };
    }
    return {
      ok: true,
      skill: { id, name: file.name ?? skillNameFromPath(path), description: file.description, body: file.body },
    };
  }
  return {
    ok: false,
    errorCode: "resource_not_found",
    message: `Skill "${spec}" not found: ${checkout.repo.owner}/${checkout.repo.repo} has no ${paths.join(", ")}.`,
  };
}

async function readIfPresent(sandbox: Sandbox, path: string): Promise<string | undefined> {
  try {
    return (await sandbox.readFile(path)).toString("utf8");
  } catch (err) {
    if (err instanceof SandboxError && err.code === "file_not_found") return undefined;
    throw err;
  }
}
