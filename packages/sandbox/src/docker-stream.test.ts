import { describe, expect, it } from "vitest";
import { createOutputDemuxer, type OutputStream } from "./docker-stream.ts";

/** One frame of Docker's multiplexed stream, as the daemon sends it. */
function frame(stream: OutputStream, payload: string | Buffer): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream === "stdout" ? 1 : 2;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function demux(chunks: Buffer[]) {
  const seen: { stream: OutputStream; text: string }[] = [];
  const demuxer = createOutputDemuxer((stream, text) => seen.push({ stream, text }));
  for (const chunk of chunks) demuxer.push(chunk);
  demuxer.end();
  return seen;
}

describe("Docker output demultiplexing", () => {
  it("keeps stdout and stderr apart, in the order they were sent", () => {
    const wire = Buffer.concat([frame("stdout", "one\n"), frame("stderr", "oops\n"), frame("stdout", "two\n")]);
    expect(demux([wire])).toEqual([
      { stream: "stdout", text: "one\n" },
      { stream: "stderr", text: "oops\n" },
      { stream: "stdout", text: "two\n" },
    ]);
  });

  it("reassembles frames and multi-byte characters cut anywhere between chunks", () => {
    const text = "héllo wörld — ✓ 🚀\n";
    const bytes = Buffer.from(text);
    // A frame boundary inside "é", then the whole stream delivered one byte at a time.
    const wire = Buffer.concat([frame("stdout", bytes.subarray(0, 2)), frame("stdout", bytes.subarray(2))]);
    const byteByByte = [...wire].map((byte) => Buffer.from([byte]));
    const seen = demux(byteByByte);
    expect(seen.map((chunk) => chunk.text).join("")).toBe(text);
    expect(seen.every((chunk) => chunk.stream === "stdout" && !chunk.text.includes("\uFFFD"))).toBe(true);
  });
});
