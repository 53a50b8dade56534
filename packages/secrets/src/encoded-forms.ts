/**
 * The forms a secret value commonly takes when a program prints it encoded, so redaction catches those too:
 * base64 (standard and URL-safe, with and without padding, and the part that stays the same wherever the value
 * sits inside a longer base64 text), percent-encoding, JSON string escaping and hex.
 *
 * Forms shorter than {@link MIN_ENCODED_LENGTH} characters are dropped: a short base64 fragment would match
 * ordinary text.
 */
export const MIN_ENCODED_LENGTH = 8;

/**
 * The base64 text of `value` at each of the 3 byte alignments it may have inside a longer encoded text: at
 * alignment k the value is preceded by k unknown bytes, so the first group's first k+1 characters (which carry
 * bits of those bytes) and the trailing partial group (which mixes in the bytes after it) are cut off.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const whole = Math.floor(padded.length / 3) * 3; // bytes in complete groups
    if (whole <= offset) continue;
    const text = padded.subarray(0, whole).toString("base64");
    // Characters 0..offset of the first group carry bits of the unknown leading bytes.
    const skip = offset === 0 ? 0 : offset + 1;
    cores.push(text.slice(skip));
  }
  return cores;
}

const urlSafe = (base64: string) => base64.replace(/\+/g, "-").replace(/\//g, "_");

/** JSON string escaping as JSON.stringify does it, and as an ASCII-only encoder (Python's default) does. */
function jsonForms(value: string): string[] {
  const plain = JSON.stringify(value).slice(1, -1);
  const ascii = plain.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const slashes = plain.replace(/\//g, "\\/");
  return [plain, ascii, slashes];
}

/** Every encoded form of `value` worth looking for (the value itself excluded). */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const base64 = bytes.toString("base64");
  const forms = new Set<string>([
    base64,
    base64.replace(/=+$/, ""),
    urlSafe(base64),
    urlSafe(base64).replace(/=+$/, ""),
    ...base64Cores(bytes).flatMap((core) => [core, urlSafe(core)]),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    encodeURIComponent(value).replace(/%20/g, "+"),
    // Every byte escaped, as some clients do.
    [...bytes].map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`).join(""),
    ...jsonForms(value),
    bytes.toString("hex"),
    bytes.toString("hex").toUpperCase(),
  ]);
  forms.delete(value);
  return [...forms].filter((form) => form.length >= MIN_ENCODED_LENGTH);
}
