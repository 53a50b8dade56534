import { describe, expect, it } from "vitest";
import { LineBuilder, stripAnsi } from "./log-lines.ts";

const AT = "2026-01-01T12:00:00Z";
const linesOf = (...chunks: string[]) => {
  const b = new LineBuilder();
  for (const c of chunks) b.push(c, "stdout", AT);
  return b.lines.map((l) => l.text);
};

describe("output as a terminal shows it", () => {
  it("overwrites a line after a carriage return: a progress bar ends as its last state", () => {
    expect(linesOf("Downloading  10%\rDownloading  60%\rDownloading 100%\ndone\n")).toEqual([
      "Downloading 100%",
      "done",
    ]);
  });

  it("takes \\r\\n as one line end, also when the chunk splits it", () => {
    expect(linesOf("one\r\ntwo\r", "\nthree")).toEqual(["one", "two", "three"]);
  });

  it("continues a line a chunk left open, and keeps empty lines", () => {
    expect(linesOf("hel", "lo\n\nworld\n")).toEqual(["hello", "", "world"]);
  });

  it("overwrites across chunks, as streamed progress arrives", () => {
    expect(linesOf("50%", "\r", "75%", "\r100%\n")).toEqual(["100%"]);
  });

  it("marks a line stderr when any of it came from stderr", () => {
    const b = new LineBuilder();
    b.push("warn: ", "stdout", AT);
    b.push("disk full\n", "stderr", AT);
    expect(b.lines).toEqual([{ text: "warn: disk full", stream: "stderr", at: AT, step: undefined }]);
  });

  it("removes colour codes for search and copy", () => {
    expect(stripAnsi("\u001b[1;32mPASS\u001b[0m src/a.test.ts")).toBe("PASS src/a.test.ts");
  });
});
