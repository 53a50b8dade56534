// A client in a worker thread of its own, as a scraper is another process: its allocations and garbage
// collections stay out of the heap of the server it times. Plain JavaScript so the thread needs no TypeScript
// loader. Started by alternatingRequests() in alternating-requests.ts, which documents the protocol.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { origin, headers, paths, warmupRounds, rounds, mustInclude } = workerData;
const times = Object.fromEntries(paths.map((path) => [path, []]));

// node:http with one kept-alive connection rather than fetch: fetch's Request, Response and stream objects cost
// the client more than its requests cost a small server, and its garbage collections would show as latency.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(path) {
  return new Promise((resolve, reject) => {
    const request = http.get(`${origin}${path}`, { agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    request.on("error", reject);
  });
}

async function timeOne(path) {
  const started = performance.now();
  const { status, body } = await get(path);
  const elapsed = performance.now() - started;
  if (status !== 200 || !body.includes(mustInclude)) throw new Error(`${path} answered ${status}`);
  return elapsed;
}

for (let round = -warmupRounds; round < rounds; round++) {
  // ABBA, round by round: a change in the machine's load hits every path alike.
  const order = round % 2 === 0 ? paths : [...paths].reverse();
  for (const path of order) {
    const elapsed = await timeOne(path);
    if (round >= 0) times[path].push(elapsed);
  }
}
parentPort.postMessage(times);
