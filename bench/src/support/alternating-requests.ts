import { Worker } from "node:worker_threads";

export interface AlternatingRequests {
  origin: string;
  headers: Record<string, string>;
  /** Requested in turn, one at a time, the order reversed every other round (ABBA). */
  paths: string[];
  /** Rounds made first and not recorded. */
  warmupRounds: number;
  rounds: number;
  /** Text every 200 answer must contain; anything else fails the benchmark. */
  mustInclude: string;
}

/**
 * Times GET requests from a worker thread (its own V8 heap) over one kept-alive connection, client-side,
 * request start to last body byte:
 * a load generator sharing the server's heap would add its own garbage collections to the server's latency.
 * Resolves with each path's times in milliseconds.
 */
export function alternatingRequests(options: AlternatingRequests): Promise<Record<string, number[]>> {
  const worker = new Worker(new URL("./alternating-requests.mjs", import.meta.url), { workerData: options });
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the request thread exited with ${code} before answering`)));
  });
}
