/**
 * Group commit for one kind of write: a call made while a flush is in flight waits and goes out with the
 * others in the next flush, so under load N concurrent writes cost one round trip instead of N; with
 * nothing in flight a call is flushed at once, so a quiet server adds no delay. One flush at a time.
 *
 * `flush` answers each item by position, with a value or a promise of one (a promise that rejects fails
 * only that item's caller). If `flush` itself rejects, every item of the batch fails with its error.
 */
export function batchWhileBusy<I, O>(
  flush: (items: I[]) => Promise<(O | Promise<O>)[]>,
  maxBatch: number,
): (item: I) => Promise<O> {
  const waiting: { item: I; resolve: (value: O | Promise<O>) => void; reject: (err: unknown) => void }[] = [];
  let flushing = false;

  const drain = async () => {
    flushing = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      try {
        const answers = await flush(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => entry.resolve(answers[i]!));
      } catch (err) {
        for (const entry of batch) entry.reject(err);
      }
    }
    flushing = false;
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!flushing) void drain();
    });
}
