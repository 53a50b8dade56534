import { parse as parseYaml } from "yaml";

/** A SKILL.md as read: its instructions (the body, without the front matter) and what the front matter says. */
export type SkillFile =
  | { ok: true; name?: string; description: string; body: string }
  /** The file exists but cannot be used; `error` says why (listed with `include_malformed_skills=true`). */
  | { ok: false; error: string; body: string };

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * Reads a SKILL.md: optional YAML front matter (`name`, `description`, anything else ignored) between `---`
 * lines, then the instructions. A file without front matter is a skill named after its folder with no
 * description; front matter that does not parse, or a file without instructions, is malformed.
 */
export function parseSkillFile(text: string): SkillFile {
  const startsWithFrontMatter = /^\uFEFF?---[ \t]*\r?\n/.test(text);
  if (!startsWithFrontMatter) return withBody(text.trim(), {});
  const match = FRONT_MATTER.exec(text);
  if (!match) return { ok: false, error: "the front matter is not closed by a '---' line", body: text.trim() };
  const body = text.slice(match[0].length).trim();
  let data: unknown;
  try {
    data = parseYaml(match[1]!);
  } catch (err) {
    return { ok: false, error: `the front matter is not valid YAML: ${firstLine((err as Error).message)}`, body };
  }
  if (data === null || data === undefined) return withBody(body, {});
  if (typeof data !== "object" || Array.isArray(data)) {
    return { ok: false, error: "the front matter must be a YAML mapping (name: …, description: …)", body };
  }
  const { name, description } = data as Record<string, unknown>;
  for (const [field, value] of [
    ["name", name],
    ["description", description],
  ] as const) {
    if (value !== undefined && value !== null && typeof value !== "string") {
      return { ok: false, error: `the front matter's ${field} must be text`, body };
    }
  }
  return withBody(body, { name: name as string | undefined, description: description as string | undefined });
}

function withBody(body: string, meta: { name?: string | undefined; description?: string | undefined }): SkillFile {
  if (!body) return { ok: false, error: "the skill has no instructions after its front matter", body };
  const name = meta.name?.trim();
  return { ok: true, ...(name && { name }), description: meta.description?.trim() ?? "", body };
}

const firstLine = (text: string) => text.split("\n")[0]!.trim();
