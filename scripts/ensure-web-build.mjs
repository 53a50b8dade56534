// Builds the dashboard once, when apps/web/dist is missing, so `pnpm start` serves it at `/`.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const index = new URL("../apps/web/dist/index.html", import.meta.url);
if (!existsSync(index)) {
  console.log("building the dashboard (apps/web) …");
  execSync("pnpm --filter @oz/web build", { stdio: "inherit" });
}
