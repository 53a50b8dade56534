/**
 * Skill specs (a run's `skill`, `skill_spec`): `owner/repo:name`, `owner/repo:path/to/SKILL.md`, and
 * the short `repo:name` / `repo:path` forms, which only resolve against the repositories of the run's environment.
 */

/**
 * Where a skill named `deploy` is looked for in a repository, in this order (the first existing file wins):
 * Claude Code's folder, the cross-agent `.agents` folder, then a plain top-level `skills` folder. Discovery
 * (`GET /agent`) lists the `<root>/<name>/SKILL.md` files of the same folders.
 */
export const SKILL_ROOTS = [".claude/skills", ".agents/skills", "skills"] as const;

export const SKILL_FILE_NAME = "SKILL.md";

export interface SkillSpec {
  /** As written. */
  spec: string;
  /** Absent for the short `repo:` forms. */
  owner?: string;
  repo: string;
  /** A skill named by its folder (`deploy`) or a file path inside the repository (`docs/deploy/SKILL.md`). */
  target: { name: string } | { path: string };
}

/** Parses a spec; undefined when it is not of the form `[owner/]repo:name-or-path`. */
export function parseSkillSpec(spec: string): SkillSpec | undefined {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon <= 0) return undefined;
  const repoPart = trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1).replace(/^\/+/, "");
  const repoParts = repoPart.split("/");
  if (repoParts.length > 2 || repoParts.some((part) => !/^[A-Za-z0-9_.-]+$/.test(part))) return undefined;
  if (!rest || rest.split("/").some((segment) => segment === ".." || segment === "")) return undefined;
  const [owner, repo] = repoParts.length === 2 ? repoParts : [undefined, repoParts[0]];
  const isPath = rest.includes("/") || /\.md$/i.test(rest);
  return {
    spec: trimmed,
    ...(owner !== undefined && { owner }),
    repo: repo!,
    target: isPath ? { path: rest } : { name: rest },
  };
}

/** The files a spec may name, in the order they are tried. */
export function candidatePaths(target: SkillSpec["target"]): string[] {
  return "path" in target ? [target.path] : SKILL_ROOTS.map((root) => `${root}/${target.name}/${SKILL_FILE_NAME}`);
}

/** The stable id of one skill file (a skill's `variant.id`): `owner/repo:path/to/SKILL.md`. */
export const skillId = (owner: string, repo: string, path: string): string => `${owner}/${repo}:${path}`;

/** Whether a path is one discovery lists: `<root>/<name>/SKILL.md` under one of {@link SKILL_ROOTS}. */
export function isDiscoverableSkillPath(path: string): boolean {
  return SKILL_ROOTS.some((root) => {
    if (!path.startsWith(`${root}/`)) return false;
    const rest = path.slice(root.length + 1).split("/");
    return rest.length === 2 && rest[0] !== "" && rest[1] === SKILL_FILE_NAME;
  });
}

/** The folder name of a skill file (`.claude/skills/deploy/SKILL.md` → `deploy`), or the file's own name. */
export function skillNameFromPath(path: string): string {
  const parts = path.split("/").filter(Boolean);
  const last = parts.at(-1) ?? path;
  if (last.toLowerCase() === SKILL_FILE_NAME.toLowerCase() && parts.length >= 2) return parts.at(-2)!;
  return last.replace(/\.md$/i, "");
}

/**
 * The human name of the skill a spec names: `owner/repo:.claude/skills/deploy/SKILL.md` → `deploy`,
 * `repo:deploy` → `deploy`, `owner/repo:docs/release.md` → `release`; the spec itself when that leaves nothing.
 */
export function skillNameFromSpec(spec: string): string {
  return skillNameFromPath(spec.slice(spec.indexOf(":") + 1)) || spec;
}
