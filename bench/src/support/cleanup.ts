/**
 * Cleanups a benchmark registers while it sets things up (databases, containers, processes, servers), run
 * in reverse order when it ends — or by the runner when the benchmark overruns its budget or is interrupted.
 */
const pending: (() => Promise<unknown>)[] = [];

export function onCleanup(fn: () => Promise<unknown>): void {
  pending.push(fn);
}

export async function runCleanups(): Promise<void> {
  while (pending.length > 0) {
    const fn = pending.pop()!;
    await fn().catch((err: unknown) => console.error(`cleanup failed: ${(err as Error)?.message ?? err}`));
  }
}
