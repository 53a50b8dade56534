import { shellWord } from "../oz/mcp/shell-words.ts";

/** Words as one `sh` command line, quoted only where they need it (so the transcript shows it readably). */
export function shellCommand(words: readonly string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : shellWord(word))).join(" ");
}
