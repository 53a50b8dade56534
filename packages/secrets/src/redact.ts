/**
 * Redaction of secret values from whatever a run produces (events, logs, artifacts) before it is stored.
 *
 * Every occurrence of a value becomes `[REDACTED:<NAME>]`, so a reader can tell which secret was printed
 * without learning it. Where values overlap, the leftmost occurrence wins, and of those the longest.
 *
 * Values shorter than MIN_REDACTED_LENGTH characters are left alone: replacing every `1` or `ab` in the output
 * would wreck it while protecting nothing (such a value is guessable anyway). A multi-line value is also matched
 * with `\r\n` line endings, as a terminal prints it, and in its encoded forms (encoded-forms.ts: base64, URL, JSON,
 * hex), which become the same `[REDACTED:<NAME>]`.
 */
import { encodedForms } from "./encoded-forms.ts";

/** Secret name → value, as loadSecretsForRun returns them. */
export type SecretValues = Readonly<Record<string, string>>;

export const MIN_REDACTED_LENGTH = 4;

interface Needle {
  text: string;
  replacement: string;
}

/** The strings to look for, longest first (so that the first match at a position is the longest). */
function needlesOf(secrets: SecretValues): Needle[] {
  const byText = new Map<string, string>();
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_REDACTED_LENGTH) continue;
    const variants = value.includes("\n") ? [value, value.replace(/\r?\n/g, "\r\n")] : [value];
    variants.push(...encodedForms(value));
    for (const text of variants) {
      if (text.length >= MIN_REDACTED_LENGTH && !byText.has(text)) byText.set(text, `[REDACTED:${name}]`);
    }
  }
  return [...byText]
    .map(([text, replacement]) => ({ text, replacement }))
    .sort((a, b) => b.text.length - a.text.length || (a.text < b.text ? -1 : 1));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One compiled matcher over a set of secrets, shared by the whole-text and the streaming redactor. */
function compile(secrets: SecretValues) {
  const needles = needlesOf(secrets);
  if (needles.length === 0) return undefined;
  const replacements = new Map(needles.map((n) => [n.text, n.replacement]));
  const pattern = new RegExp(needles.map((n) => escapeRegExp(n.text)).join("|"), "g");
  return {
    needles,
    pattern,
    replacementOf: (match: string) => replacements.get(match) ?? "",
    redact: (text: string) => text.replace(pattern, (match) => replacements.get(match) ?? ""),
  };
}

/** `text` with every secret value replaced by `[REDACTED:<NAME>]`. */
export function redactSecrets(text: string, secrets: SecretValues): string {
  return compile(secrets)?.redact(text) ?? text;
}

export interface Redactor {
  /** The redacted text that is safe to emit now; a tail that could be the start of a secret is held back. */
  push(chunk: string): string;
  /** Everything still held back, redacted. Call once at the end of the stream. */
  flush(): string;
}

/**
 * A redactor for text that arrives in chunks (a process's output). A secret split across chunks is still
 * caught: the redactor holds back the shortest tail that is a prefix of some secret, and the concatenated
 * output always equals `redactSecrets` of the concatenated input. Feed it decoded text (a StringDecoder over
 * the raw bytes) before splitting into lines, so that multi-line secrets are caught too.
 */
export function createRedactor(secrets: SecretValues): Redactor {
  const matcher = compile(secrets);
  if (!matcher) return { push: (chunk) => chunk, flush: () => "" };
  const { needles, pattern, replacementOf } = matcher;
  const longest = needles[0]!.text.length;
  const firstChars = new Set(needles.map((n) => n.text[0]));
  let held = "";

  /** The first position from `from` on where more input could still complete a secret. */
  const firstUndecided = (text: string, from: number) => {
    for (let p = Math.max(from, text.length - longest + 1); p < text.length; p++) {
      if (!firstChars.has(text[p])) continue;
      const rest = text.slice(p);
      if (needles.some((n) => n.text.length > rest.length && n.text.startsWith(rest))) return p;
    }
    return text.length;
  };

  return {
    push(chunk) {
      const text = held + chunk;
      let out = "";
      let pos = 0;
      for (;;) {
        const undecided = firstUndecided(text, pos);
        pattern.lastIndex = pos;
        const match = pattern.exec(text);
        // A match that starts before the undecided tail is final: no longer secret can start at its position.
        if (!match || match.index >= undecided) {
          held = text.slice(undecided);
          return out + text.slice(pos, undecided);
        }
        out += text.slice(pos, match.index) + replacementOf(match[0]);
        pos = match.index + match[0].length;
      }
    },
    flush() {
      const rest = matcher.redact(held);
      held = "";
      return rest;
    },
  };
}

/**
 * `data` with every secret value (as UTF-8 bytes) replaced by `[REDACTED:<NAME>]`, for files such as artifacts
 * that may not be text. Returns `data` itself when nothing matched.
 */
export function redactBuffer(data: Buffer, secrets: SecretValues): Buffer {
  const needles = needlesOf(secrets).map((n) => ({
    bytes: Buffer.from(n.text, "utf8"),
    replacement: Buffer.from(n.replacement, "utf8"),
  }));
  // Next occurrence of each needle at or after `pos`, refreshed only when passed.
  const next = needles.map((n) => data.indexOf(n.bytes));
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    let best = -1;
    for (let i = 0; i < needles.length; i++) {
      if (next[i]! !== -1 && next[i]! < pos) next[i] = data.indexOf(needles[i]!.bytes, pos);
      // Strictly smaller: at equal positions the earlier (longer) needle wins.
      if (next[i]! !== -1 && (best === -1 || next[i]! < next[best]!)) best = i;
    }
    if (best === -1) break;
    parts.push(data.subarray(pos, next[best]), needles[best]!.replacement);
    pos = next[best]! + needles[best]!.bytes.length;
  }
  if (parts.length === 0) return data;
  parts.push(data.subarray(pos));
  return Buffer.concat(parts);
}
