import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** MCP stdio servers run inside the sandbox, so their test needs Node there: Debian plus this very Node binary. */
export const NODE_IMAGE = "oz-test/debian-node:bookworm";

/** vitest globalSetup: builds the images the harness tests use, offline, when they are missing. */
export default function setup() {
  const script = fileURLToPath(new URL("../../../../../scripts/build-test-images.sh", import.meta.url));
  if (!process.env.OZ_TEST_IMAGE) execFileSync(script, ["busybox"], { stdio: "inherit" });
  execFileSync(script, ["debian-node"], {
    stdio: "inherit",
    env: { ...process.env, NODE_BINARY: process.execPath },
  });
}
