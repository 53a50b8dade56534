import type { TestServer } from "../../../apps/api/test/support/test-server.ts";
import type { TestWorker } from "../../../apps/worker/test/support/test-worker.ts";
import { TEST_IMAGE } from "./platform.ts";

/** An environment of the test image with one setup command, and a warm pool of `size` (0: none); returns its id. */
export async function createBenchEnvironment(server: TestServer, name: string, size: number): Promise<string> {
  const res = await fetch(`${server.baseUrl}/agent/environments`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.team.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      name,
      docker_image: TEST_IMAGE,
      setup_commands: ["echo ready > /workspace/ready"],
      warm_pool: { size },
    }),
  });
  const body = (await res.json()) as { uid?: string };
  if (res.status !== 200 || !body.uid)
    throw new Error(`environment not created: ${res.status} ${JSON.stringify(body)}`);
  return body.uid;
}

/** Waits (untimed) until the worker's pool of the environment is full and nothing is being filled anywhere. */
export async function waitForFullPool(worker: TestWorker, environmentId: string, size: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const stats = worker.worker.poolStats();
    const pool = stats?.pools.find((p) => p.environmentId === environmentId);
    const filling = stats?.pools.some((p) => p.filling > 0) ?? false;
    if (pool && pool.ready >= size && !filling) return;
    if (Date.now() > deadline) throw new Error(`warm pool never filled: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
