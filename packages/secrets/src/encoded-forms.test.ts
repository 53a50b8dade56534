import { describe, expect, it } from "vitest";
import { createRedactor, redactBuffer, redactSecrets } from "./redact.ts";

// Characters that every encoding treats specially: '/' and '+' in base64, '"' and '\' in JSON, '&' and ' ' in URLs.
const SECRET = 'sk-live/9f+Q"x\\y&z é';
const secrets = { API_KEY: SECRET };

/** The redacted text must not let anyone recover the value: no encoded form of it survives, whole or decoded. */
function expectNoTrace(redacted: string) {
  expect(redacted).toContain("[REDACTED:API_KEY]");
  for (const form of [
    Buffer.from(SECRET).toString("base64").slice(0, 12),
    Buffer.from(SECRET).toString("base64url").slice(0, 12),
    Buffer.from(SECRET).toString("hex").slice(0, 12),
  ])
    expect(redacted).not.toContain(form);
}

describe("redacting encoded forms of a secret", () => {
  it("catches base64, standard and URL-safe, padded or not", () => {
    const base64 = Buffer.from(SECRET).toString("base64");
    for (const form of [base64, base64.replace(/=+$/, ""), Buffer.from(SECRET).toString("base64url")]) {
      const redacted = redactSecrets(`token: ${form} end`, secrets);
      expectNoTrace(redacted);
      expect(redacted.startsWith("token: ")).toBe(true);
    }
  });

  it("catches the value inside a longer base64 text, at each of the three byte alignments", () => {
    for (const prefix of ["", "a", "ab", "abc", "user:"]) {
      const encoded = Buffer.from(`${prefix}${SECRET}@host`).toString("base64");
      const redacted = redactSecrets(`Authorization: Basic ${encoded}`, secrets);
      expect(redacted).toContain("[REDACTED:API_KEY]");
      // What is left of the encoded text decodes to at most the prefix, a couple of stray bytes and the suffix.
      const leftover = redacted.replace(/^Authorization: Basic /, "").replace("[REDACTED:API_KEY]", "");
      expect(leftover.length).toBeLessThan(encoded.length - Buffer.from(SECRET).length);
      const urlSafe = Buffer.from(`${prefix}${SECRET}@host`).toString("base64url");
      expect(redactSecrets(urlSafe, secrets)).toContain("[REDACTED:API_KEY]");
    }
  });

  it("catches URL-encoded forms (upper- or lower-case escapes, + for spaces, every byte escaped)", () => {
    const encoded = encodeURIComponent(SECRET);
    const forms = [
      encoded,
      encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
      encoded.replace(/%20/g, "+"),
      [...Buffer.from(SECRET)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
    ];
    for (const form of forms) {
      expect(redactSecrets(`https://example.test/cb?token=${form}&x=1`, secrets)).toBe(
        "https://example.test/cb?token=[REDACTED:API_KEY]&x=1",
      );
    }
  });

  it("catches JSON-escaped forms, as JSON.stringify and ASCII-only encoders write them", () => {
    const json = JSON.stringify({ key: SECRET });
    expect(redactSecrets(json, secrets)).toBe('{"key":"[REDACTED:API_KEY]"}');
    const asciiOnly = json.replace(/é/g, "\\u00e9");
    expect(redactSecrets(asciiOnly, secrets)).toBe('{"key":"[REDACTED:API_KEY]"}');
  });

  it("catches hex, lower- and upper-case", () => {
    const hex = Buffer.from(SECRET).toString("hex");
    expect(redactSecrets(`0x${hex}`, secrets)).toBe("0x[REDACTED:API_KEY]");
    expect(redactSecrets(hex.toUpperCase(), secrets)).toBe("[REDACTED:API_KEY]");
  });

  it("catches encoded forms split across the chunks of a stream, and in artifact bytes", () => {
    const text = `a ${Buffer.from(SECRET).toString("base64")} b ${Buffer.from(SECRET).toString("hex")} c`;
    const redactor = createRedactor(secrets);
    let out = "";
    for (let i = 0; i < text.length; i += 5) out += redactor.push(text.slice(i, i + 5));
    out += redactor.flush();
    expect(out).toBe("a [REDACTED:API_KEY] b [REDACTED:API_KEY] c");
    expect(redactBuffer(Buffer.from(text), secrets).toString()).toBe(out);
  });

  it("leaves ordinary text alone", () => {
    const text = "The build passed: 42 tests, coverage 87%, see https://example.test/report?id=abc%20def";
    expect(redactSecrets(text, secrets)).toBe(text);
  });
});
