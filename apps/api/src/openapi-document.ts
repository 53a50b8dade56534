import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { LocalDirBlobStore } from "@oz/blobs";
import { createDb } from "@oz/db";
import { buildApp } from "./app.ts";
import { buildApiDeps } from "./build-deps.ts";

/** The committed copy of the API description, at the repository's top level. */
export const OPENAPI_FILE = fileURLToPath(new URL("../../../openapi.yaml", import.meta.url));

/** The server URL the committed file names: the default local address, never the generating machine's. */
const DOCUMENTED_SERVER = "http://localhost:8080";

/**
 * The OpenAPI document the routes' zod schemas describe, as YAML. Builds the app without serving it: the
 * database and Redis clients are never used and nothing queries while routes register, so no database is needed.
 */
export async function renderOpenApiYaml(): Promise<string> {
  const db = createDb({ connectionString: "postgresql://openapi@127.0.0.1:1/unused" });
  const { deps, close: closeLive } = buildApiDeps({
    db,
    redisUrl: "redis://127.0.0.1:1",
    queuePrefix: "openapi",
    publicUrl: DOCUMENTED_SERVER,
    agentLimit: 0,
    maxOrchestrationDepth: 1,
    // An unused key and directory: nothing is encrypted, signed or stored while rendering.
    masterKey: Buffer.alloc(32),
    blobs: new LocalDirBlobStore("/nonexistent"),
  });
  const app = await buildApp(deps);
  try {
    await app.ready();
    return stringify(app.swagger(), { aliasDuplicateObjects: false, lineWidth: 0 });
  } finally {
    await app.close();
    await closeLive();
    await db.$disconnect();
  }
}
