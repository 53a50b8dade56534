/**
 * Like `Promise.all`, but when several lookups fail the error reported is the first in argument order, not
 * whichever failed first in time: the same request always gets the same answer. Entries may be plain values
 * (e.g. `undefined` for a lookup the request does not need).
 */
export async function allInOrder<T extends readonly unknown[]>(
  lookups: readonly [...{ [K in keyof T]: Promise<T[K]> | T[K] }],
): Promise<T> {
  const settled = await Promise.allSettled(lookups);
  for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
