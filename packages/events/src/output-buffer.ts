import type { NewRunEvent } from "@oz/contract";

/** Removes secrets from a stream of text; holds back a tail that could be the start of a secret. */
export interface StreamRedactor {
  push(text: string): string;
  flush(): string;
}

export interface OutputBufferOptions {
  /** Stores and announces a batch of events; called one batch at a time, in order. */
  emit: (events: NewRunEvent[]) => Promise<unknown>;
  /** The setup step this output belongs to, if any. */
  step?: number;
  /** How long output may wait to be batched: the latency a live viewer sees on top of the store. */
  flushMs?: number;
  /** Flush early once this much text is waiting. */
  maxChars?: number;
  /** One redactor per stream (stdout and stderr are redacted independently). */
  createRedactor?: () => StreamRedactor;
}

export interface OutputBuffer {
  write(stream: "stdout" | "stderr", text: string): void;
  /** Flushes what is left and waits until everything is stored. */
  close(): Promise<void>;
}

/**
 * Batches a process's output into `output` events: one per stream per flush instead of one per chunk, so
 * a chatty process costs a few inserts a second, not thousands.
 */
export function createOutputBuffer(options: OutputBufferOptions): OutputBuffer {
  const flushMs = options.flushMs ?? 20;
  const maxChars = options.maxChars ?? 64 * 1024;
  const pending = { stdout: "", stderr: "" };
  const redactors = {
    stdout: options.createRedactor?.(),
    stderr: options.createRedactor?.(),
  };
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let failure: unknown;

  const flush = (final: boolean) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const events: NewRunEvent[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      const redactor = redactors[stream];
      let text = redactor ? redactor.push(pending[stream]) : pending[stream];
      if (final && redactor) text += redactor.flush();
      pending[stream] = "";
      if (text)
        events.push({
          type: "output",
          payload: { stream, text, ...(options.step !== undefined && { step: options.step }) },
        });
    }
    if (events.length > 0) {
      chain = chain.then(() => options.emit(events)).catch((err) => (failure ??= err));
    }
  };

  return {
    write(stream, text) {
      pending[stream] += text;
      if (pending.stdout.length + pending.stderr.length >= maxChars) flush(false);
      else timer ??= setTimeout(() => flush(false), flushMs);
    },
    async close() {
      flush(true);
      await chain;
      if (failure) throw failure;
    },
  };
}
