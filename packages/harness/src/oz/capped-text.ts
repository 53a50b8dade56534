/**
 * Collects text up to a limit, keeping the beginning and the end (where a failing command says what went
 * wrong) and noting how much of the middle was left out. Memory stays bounded however much is written.
 */
export class CappedText {
  private head = "";
  private tail = "";
  private omitted = 0;

  constructor(private readonly limit: number) {}

  write(text: string): void {
    const headRoom = Math.ceil(this.limit / 2) - this.head.length;
    if (headRoom > 0) {
      this.head += text.slice(0, headRoom);
      text = text.slice(headRoom);
    }
    if (text.length === 0) return;
    this.tail += text;
    const tailLimit = Math.floor(this.limit / 2);
    if (this.tail.length > tailLimit) {
      this.omitted += this.tail.length - tailLimit;
      this.tail = this.tail.slice(-tailLimit);
    }
  }

  toString(): string {
    if (this.omitted === 0) return this.head + this.tail;
    return `${this.head}\n[… ${this.omitted} characters omitted: the output was longer than ${this.limit} characters …]\n${this.tail}`;
  }
}

/** Text cut to `limit` characters, with a note saying what was cut and how to see the rest. */
export function capText(text: string, limit: number, howToSeeMore: string): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n[… truncated: showing ${limit} of ${text.length} characters; ${howToSeeMore} …]`;
}
