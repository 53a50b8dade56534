import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Most tests: the busybox image scripts/build-test-images.sh makes (or OZ_TEST_IMAGE). */
export const SHELL_IMAGE = process.env.OZ_TEST_IMAGE ?? "oz-test/busybox:latest";
/** MCP stdio servers run inside the sandbox, so their test needs Node there: Debian plus this very Node binary. */
export const NODE_IMAGE = "oz-test/debian-node:bookworm";
const DEBIAN_IMAGE = "oz-test/debian:bookworm";

const imageExists = (image: string) => {
  try {
    execFileSync("docker", ["image", "inspect", image], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** vitest globalSetup: builds the images the harness tests use, offline, when they are missing. */
export default function setup() {
  const script = fileURLToPath(new URL("../../../../../scripts/build-test-images.sh", import.meta.url));
  if (!process.env.OZ_TEST_IMAGE) execFileSync(script, ["busybox"], { stdio: "inherit" });
  if (imageExists(NODE_IMAGE)) return;
  execFileSync(script, ["debian"], { stdio: "inherit" });
  const context = mkdtempSync(join(tmpdir(), "oz-node-image-"));
  try {
    copyFileSync(process.execPath, join(context, "node"));
    writeFileSync(join(context, "Dockerfile"), `FROM ${DEBIAN_IMAGE}\nCOPY node /usr/local/bin/node\n`);
    execFileSync("docker", ["build", "-q", "-t", NODE_IMAGE, context], {
      stdio: "inherit",
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
