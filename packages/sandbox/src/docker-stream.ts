import { StringDecoder } from "node:string_decoder";

export type OutputStream = "stdout" | "stderr";

/** Docker's attach stream without a TTY: frames of an 8-byte header (stream type, 3 zero bytes, length) + payload. */
const HEADER_BYTES = 8;
const STREAM_OF_TYPE: Record<number, OutputStream | undefined> = { 1: "stdout", 2: "stderr" };

/**
 * Splits a multiplexed Docker exec stream into stdout/stderr text, calling `onText` in arrival order.
 * Frames and multi-byte UTF-8 characters may be cut anywhere between chunks; each stream keeps its own decoder.
 */
export function createOutputDemuxer(onText: (stream: OutputStream, text: string) => void) {
  const decoders: Record<OutputStream, StringDecoder> = {
    stdout: new StringDecoder("utf8"),
    stderr: new StringDecoder("utf8"),
  };
  let pending: Buffer = Buffer.alloc(0);

  const emit = (stream: OutputStream, text: string) => {
    if (text.length > 0) onText(stream, text);
  };

  return {
    push(chunk: Buffer) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER_BYTES) {
        const length = pending.readUInt32BE(4);
        if (pending.length < HEADER_BYTES + length) break;
        const stream = STREAM_OF_TYPE[pending[0]!];
        const payload = pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
        pending = pending.subarray(HEADER_BYTES + length);
        if (stream) emit(stream, decoders[stream].write(payload));
      }
    },
    /** Flushes what the decoders hold (a truncated character becomes U+FFFD). */
    end() {
      emit("stdout", decoders.stdout.end());
      emit("stderr", decoders.stderr.end());
    },
  };
}
