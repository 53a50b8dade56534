import { describe, expect, it } from "vitest";
import { createRedactor, redactBuffer, redactSecrets, type SecretValues } from "./redact.ts";

const secrets = { API_KEY: "supersecret", DB_PASSWORD: "hunter22" };

/** Feeds `chunks` through a fresh redactor and returns what it emitted, chunk by chunk, then the flush. */
function stream(values: SecretValues, chunks: string[]) {
  const redactor = createRedactor(values);
  const emitted = chunks.map((chunk) => redactor.push(chunk));
  emitted.push(redactor.flush());
  return emitted;
}

describe("redacting secret values from text", () => {
  it("replaces every occurrence with the secret's name", () => {
    expect(redactSecrets("key=supersecret pw=hunter22 again supersecret", secrets)).toBe(
      "key=[REDACTED:API_KEY] pw=[REDACTED:DB_PASSWORD] again [REDACTED:API_KEY]",
    );
  });

  it("leaves text without secrets untouched", () => {
    expect(redactSecrets("nothing to see", secrets)).toBe("nothing to see");
    expect(redactSecrets("anything", {})).toBe("anything");
  });

  it("ignores values shorter than four characters, which would wreck the output", () => {
    expect(redactSecrets("a 1 b 12 c 123 d 1234", { ONE: "1", TWO: "12", THREE: "123", FOUR: "1234" })).toBe(
      "a 1 b 12 c 123 d [REDACTED:FOUR]",
    );
  });

  it("treats values literally, not as patterns", () => {
    expect(redactSecrets("a.b*c(d)e and aXbbc", { P: "a.b*c(d)e" })).toBe("[REDACTED:P] and aXbbc");
  });

  it("prefers the longer secret when one value contains another", () => {
    const values = { SHORT: "abcd", LONG: "abcdefgh" };
    expect(redactSecrets("abcdefgh abcd", values)).toBe("[REDACTED:LONG] [REDACTED:SHORT]");
  });

  it("catches a multi-line secret printed with terminal line endings", () => {
    const key = { SSH_KEY: "-----BEGIN KEY-----\nAAAA\n-----END KEY-----" };
    expect(redactSecrets("x -----BEGIN KEY-----\r\nAAAA\r\n-----END KEY----- y", key)).toBe("x [REDACTED:SSH_KEY] y");
    expect(redactSecrets("x -----BEGIN KEY-----\nAAAA\n-----END KEY----- y", key)).toBe("x [REDACTED:SSH_KEY] y");
  });
});

describe("redacting a stream of chunks", () => {
  it("catches a secret split across two chunks", () => {
    expect(stream(secrets, ["token: super", "secret!\n"]).join("")).toBe("token: [REDACTED:API_KEY]!\n");
  });

  it("catches a secret arriving one character at a time", () => {
    const text = "pw=hunter22; done";
    const emitted = stream(secrets, [...text]);
    expect(emitted.join("")).toBe("pw=[REDACTED:DB_PASSWORD]; done");
    expect(emitted.some((piece) => piece.includes("h"))).toBe(false);
  });

  it("holds back only a tail that could still become a secret", () => {
    const redactor = createRedactor(secrets);
    expect(redactor.push("hello hunt")).toBe("hello ");
    expect(redactor.push("ing season")).toBe("hunting season");
    expect(redactor.push("no secret here")).toBe("no secret here");
  });

  it("emits a held-back tail at the end of the stream", () => {
    expect(stream(secrets, ["it ends with supers"])).toEqual(["it ends with ", "supers"]);
  });

  it("waits for a longer secret before settling for a shorter one at the same place", () => {
    const values = { SHORT: "abcd", LONG: "abcdefgh" };
    expect(stream(values, ["xxabcd", "efgh"])).toEqual(["xx", "[REDACTED:LONG]", ""]);
    expect(stream(values, ["xxabcd", "zz"])).toEqual(["xx", "[REDACTED:SHORT]zz", ""]);
    expect(stream(values, ["xxabcd"])).toEqual(["xx", "[REDACTED:SHORT]"]);
  });

  it("emits every chunk as-is when there are no secrets", () => {
    expect(stream({}, ["a", "b"])).toEqual(["a", "b", ""]);
  });

  it("equals whole-text redaction for any chunking (random texts, overlapping secrets, random splits)", () => {
    const random = seededRandom(20261122);
    const pick = (alphabet: string, length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
    for (let round = 0; round < 2000; round++) {
      // A tiny alphabet makes secrets overlap, contain one another and appear as near-misses all the time.
      const values: Record<string, string> = {};
      const count = 1 + Math.floor(random() * 4);
      for (let i = 0; i < count; i++) values[`S${i}`] = pick("abc", 1 + Math.floor(random() * 8));
      const pieces: string[] = [];
      for (let i = 0; i < 12; i++) {
        pieces.push(
          random() < 0.4 ? values[`S${Math.floor(random() * count)}`]! : pick("abcx", Math.floor(random() * 6)),
        );
      }
      const text = pieces.join("");
      const chunks: string[] = [];
      for (let at = 0; at < text.length;) {
        const size = Math.floor(random() * 7); // empty chunks included
        chunks.push(text.slice(at, at + size));
        at += size;
      }

      const expected = redactSecrets(text, values);
      const streamed = stream(values, chunks).join("");
      expect(streamed, JSON.stringify({ values, chunks })).toBe(expected);
      for (const value of Object.values(values)) {
        if (value.length >= 4) expect(streamed, JSON.stringify({ values, text })).not.toContain(value);
      }
    }
  });
});

describe("redacting bytes (artifacts)", () => {
  it("replaces secret values in a file and leaves other bytes alone", () => {
    const file = Buffer.concat([Buffer.of(0, 255, 1), Buffer.from("pw=hunter22 ✓ supersecret"), Buffer.of(0)]);
    const redacted = redactBuffer(file, secrets);
    expect(redacted).toEqual(
      Buffer.concat([
        Buffer.of(0, 255, 1),
        Buffer.from("pw=[REDACTED:DB_PASSWORD] ✓ [REDACTED:API_KEY]"),
        Buffer.of(0),
      ]),
    );
  });

  it("returns the same buffer when nothing matches", () => {
    const file = Buffer.from("clean");
    expect(redactBuffer(file, secrets)).toBe(file);
  });

  it("agrees with text redaction on UTF-8 text", () => {
    const random = seededRandom(7);
    for (let round = 0; round < 500; round++) {
      const values = { A: "ab✓a", B: "b✓ab✓", C: "aaaa" };
      const text = Array.from({ length: 30 }, () => "ab✓x"[Math.floor(random() * 4)]).join("");
      expect(redactBuffer(Buffer.from(text), values).toString("utf8")).toBe(redactSecrets(text, values));
    }
  });
});

/** mulberry32: a small deterministic generator, so a failure reproduces. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
