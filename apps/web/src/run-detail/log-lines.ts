/** One line of process output as a terminal would show it (ANSI codes kept, for the renderer to colour). */
export interface LogLine {
  text: string;
  stream: "stdout" | "stderr";
  /** When the chunk that started the line was recorded. */
  at: string;
  /** The setup step it came from; undefined for the agent's own output. */
  step?: number;
}

/**
 * Folds output chunks into lines the way a terminal does: `\n` ends a line, a lone `\r` returns to its start so
 * the next text overwrites it (progress bars end as their last state), `\r\n` is a plain line end. Chunks arrive
 * in pieces that may split a line or a `\r\n`, so the open line stays open until its end arrives.
 */
export class LineBuilder {
  readonly lines: LogLine[] = [];
  /** The last line, when it has not ended yet (it is also the last entry of `lines`). */
  private open: LogLine | undefined;
  private pendingCr = false;

  push(text: string, stream: LogLine["stream"], at: string, step?: number): void {
    let line = this.open;
    for (let i = 0; i < text.length;) {
      if (this.pendingCr) {
        this.pendingCr = false;
        // `\r` then more text on the same line: the new text overwrites the old (what a terminal shows).
        if (text[i] !== "\n" && line) line.text = "";
      }
      const next = nextBreak(text, i);
      const piece = text.slice(i, next);
      if (piece) {
        if (!line || line.step !== step) {
          line = { text: "", stream, at, step };
          this.lines.push(line);
        }
        line.text += piece;
        if (stream === "stderr") line.stream = "stderr";
      }
      if (next >= text.length) break;
      if (text[next] === "\n") {
        if (!line || line.step !== step) this.lines.push({ text: "", stream, at, step });
        line = undefined;
      } else {
        this.pendingCr = true;
      }
      i = next + 1;
    }
    this.open = line;
  }
}

function nextBreak(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (text[i] === "\n" || text[i] === "\r") return i;
  return text.length;
}

/** Every line of a list of chunks: a small convenience over LineBuilder. */
export function linesOf(chunks: readonly { text: string; stream: LogLine["stream"]; at: string }[]): LogLine[] {
  const builder = new LineBuilder();
  for (const c of chunks) builder.push(c.text, c.stream, c.at);
  return builder.lines;
}

/** Text with its ANSI escape sequences removed (for search, copy and plain text). */
// eslint-disable-next-line no-control-regex
export const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g, "");
