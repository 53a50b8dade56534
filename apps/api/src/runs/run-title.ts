import { skillNameFromSpec } from "@oz/skills";

const MAX_TITLE_CHARS = 80;

/**
 * The title a run gets when the caller gives none: the prompt's first non-empty line (whitespace collapsed,
 * cut to ~80 characters), else the skill's name, else a handoff's generic name.
 */
export function runTitle(input: { title?: string | null; prompt: string; skillSpec?: string }): string {
  const given = input.title?.trim();
  if (given) return given;
  const firstLine = input.prompt
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .find(Boolean);
  if (firstLine) return truncate(firstLine, MAX_TITLE_CHARS);
  if (input.skillSpec) return skillNameFromSpec(input.skillSpec);
  return "Continued conversation";
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(" ");
  // Prefer a word boundary when one is reasonably close to the limit.
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
