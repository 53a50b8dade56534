import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { createDb } from "@oz/db";
import { buildApp } from "./app.ts";
import { secretAndArtifactDeps } from "./deps.ts";
import { createLiveDeps } from "./dispatch/live-deps.ts";

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
  const { close: closeLive, ...live } = createLiveDeps(db, "redis://127.0.0.1:1", "openapi");
  const app = await buildApp({
    db,
    ...live,
    publicUrl: DOCUMENTED_SERVER,
    agentLimit: 0,
    maxOrchestrationDepth: 1,
    // An unused key and directory: nothing is encrypted, signed or stored while rendering.
    ...secretAndArtifactDeps(Buffer.alloc(32), "/nonexistent", DOCUMENTED_SERVER),
  });
  try {
    await app.ready();
    return stringify(app.swagger(), { aliasDuplicateObjects: false, lineWidth: 0 });
  } finally {
    await app.close();
    await closeLive();
    await db.$disconnect();
  }
}
