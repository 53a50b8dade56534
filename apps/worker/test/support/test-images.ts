import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** vitest globalSetup: the busybox and Debian (git) test images, built offline when missing. */
export default function setup() {
  const script = fileURLToPath(new URL("../../../../scripts/build-test-images.sh", import.meta.url));
  execFileSync(script, ["busybox", "debian"], { stdio: "inherit" });
}
