import { fileURLToPath } from "node:url";
import { hashPassword } from "@oz/auth";
import type { AppDeps } from "../../../api/src/deps.ts";
import { startTestServer, type TestServer } from "../../../api/test/support/test-server.ts";

/** Where build-dashboard.ts put the production build. */
export const WEB_DIST = fileURLToPath(new URL("../../dist/", import.meta.url));

export const ADMIN_PASSWORD = "open sesame, please";

export interface DashboardServer extends TestServer {
  /** The team admin's sign-in email (password ADMIN_PASSWORD). */
  adminEmail: string;
}

/** The real API, serving the built dashboard, over a fresh database whose admin can sign in. */
export async function startDashboardServer(
  overrides: Partial<AppDeps> = {},
  options: Parameters<typeof startTestServer>[1] = {},
): Promise<DashboardServer> {
  const server = await startTestServer({ webDistDir: WEB_DIST, ...overrides }, options);
  const admin = await server.database.db.user.update({
    where: { id: server.team.userId },
    data: { passwordHash: await hashPassword(ADMIN_PASSWORD), displayName: "Ada Admin" },
  });
  return Object.assign(server, { adminEmail: admin.email });
}
