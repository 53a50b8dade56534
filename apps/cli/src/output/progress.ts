import type { Output } from "./output.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * A progress line on stderr while `oz` waits. On a terminal: a spinner redrawn in place. Elsewhere (CI logs):
 * one plain line each time the status (its key) changes, never a control character.
 */
export class Progress {
  private text = "";
  private key = "";
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(private readonly output: Output) {}

  /** `key`: what counts as news in a log (e.g. the state, not the seconds counting up). */
  update(text: string, key = text) {
    if (text === this.text) return;
    this.text = text;
    if (!this.output.interactive) {
      if (key !== this.key) this.output.note(text);
      this.key = key;
      return;
    }
    this.timer ??= setInterval(() => this.draw(), 80).unref();
    this.draw();
  }

  /** Clears the spinner line (before other output, and at the end). */
  clear() {
    if (!this.drawn) return;
    this.output.streams.stderr.write("\r\x1b[2K");
    this.drawn = false;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private draw() {
    const spinner = this.output.color.cyan(FRAMES[this.frame++ % FRAMES.length]!);
    this.output.streams.stderr.write(`\r\x1b[2K${spinner} ${this.text}`);
    this.drawn = true;
  }
}
