import pc from "picocolors";
import { renderFields, renderTable, type Column } from "./table.ts";

export const OUTPUT_FORMATS = ["pretty", "json", "ndjson", "text"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** How a list prints in each format; `json` shapes an item for json/ndjson (default: the item itself). */
export interface ListView<T> {
  columns: Column<T>[];
  text: (item: T) => string;
  json?: (item: T) => unknown;
  /** Shown instead of an empty table. */
  empty: string;
}

export interface RecordView<T> {
  fields: (item: T) => readonly (readonly [string, string | undefined])[];
  text: (item: T) => string;
  json?: (item: T) => unknown;
}

/**
 * Everything `oz` prints goes through here, in the chosen `--output-format`. Results go to stdout; notes,
 * progress and errors to stderr, so that `oz … --output-format json | jq` always gets a clean document.
 */
export class Output {
  readonly color: ReturnType<typeof pc.createColors>;
  /** Whether stderr is a terminal: spinners and in-place progress lines only then. */
  readonly interactive: boolean;

  constructor(
    readonly format: OutputFormat,
    readonly streams: Streams,
    env: NodeJS.ProcessEnv,
  ) {
    this.color = pc.createColors(colorEnabled(streams.stdout, env));
    this.interactive = Boolean(streams.stderr.isTTY) && !env.CI;
  }

  get isStructured() {
    return this.format === "json" || this.format === "ndjson";
  }

  list<T>(items: readonly T[], view: ListView<T>) {
    const shape = view.json ?? ((item: T) => item);
    switch (this.format) {
      case "json":
        return this.out(JSON.stringify(items.map(shape), null, 2));
      case "ndjson":
        return items.forEach((item) => this.out(JSON.stringify(shape(item))));
      case "text":
        return items.forEach((item) => this.out(view.text(item)));
      case "pretty":
        return this.out(
          items.length === 0 ? this.color.dim(view.empty) : renderTable(items, view.columns, this.heading),
        );
    }
  }

  record<T>(item: T, view: RecordView<T>) {
    const shape = view.json ?? ((i: T) => i);
    switch (this.format) {
      case "json":
        return this.out(JSON.stringify(shape(item), null, 2));
      case "ndjson":
        return this.out(JSON.stringify(shape(item)));
      case "text":
        return this.out(view.text(item));
      case "pretty":
        return this.out(renderFields(view.fields(item), this.heading));
    }
  }

  /** The result of an action (delete, cancel, …): a sentence when pretty, the id as text, `data` as JSON. */
  done(sentence: string, id: string, data: unknown) {
    if (this.format === "pretty") this.out(sentence);
    else if (this.format === "text") this.out(id);
    else this.out(JSON.stringify(data, null, this.format === "json" ? 2 : undefined));
  }

  /** One JSON value per line (`ndjson` streams, e.g. `--follow`). */
  jsonLine(value: unknown) {
    this.out(JSON.stringify(value));
  }

  out(text: string) {
    this.streams.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** A note for people (stderr), never part of a result. */
  note(text: string) {
    this.streams.stderr.write(`${text}\n`);
  }

  warn(text: string) {
    this.note(this.color.yellow(text));
  }

  error(text: string) {
    this.streams.stderr.write(`${this.color.red("Error:")} ${text}\n`);
  }

  private readonly heading = (text: string) => this.color.bold(text);
}

/** Colour only on a terminal; `NO_COLOR` (any value) turns it off, `FORCE_COLOR` on. */
function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv) {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}
