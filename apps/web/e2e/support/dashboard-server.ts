import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { hashPassword } from "@oz/auth";
import { secretAndArtifactDeps, type AppDeps } from "../../../api/src/deps.ts";
import { startTestServer, type TestServer } from "../../../api/test/support/test-server.ts";

/** Where build-dashboard.ts put the production build. */
export const WEB_DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

export const ADMIN_PASSWORD = "open sesame, please";

export interface DashboardServer extends TestServer {
  /** The team admin's sign-in email (password ADMIN_PASSWORD). */
  adminEmail: string;
}

/**
 * The real API, serving the built dashboard, over a fresh database whose admin can sign in. With `blobDir`, artifacts
 * live in that folder, so a test worker writing there and the API serving downloads share them.
 */
export async function startDashboardServer(options: { blobDir?: string } = {}): Promise<DashboardServer> {
  const overrides: Partial<AppDeps> = { webDistDir: WEB_DIST };
  if (options.blobDir)
    Object.assign(overrides, secretAndArtifactDeps(randomBytes(32), options.blobDir, "http://oz.test"));
  const server = await startTestServer(overrides);
  const admin = await server.database.db.user.update({
    where: { id: server.team.userId },
    data: { passwordHash: await hashPassword(ADMIN_PASSWORD), displayName: "Ada Admin" },
  });
  return Object.assign(server, { adminEmail: admin.email });
}
