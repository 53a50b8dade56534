/** Cuts streamed text into lines; an unfinished last line waits for the rest of it (or for `end`). */
export function createLineSplitter(onLine: (line: string) => void) {
  let partial = "";
  return {
    push(text: string): void {
      const lines = (partial + text).split("\n");
      partial = lines.pop()!;
      for (const line of lines) onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
    },
    end(): void {
      if (partial) onLine(partial);
      partial = "";
    },
  };
}
