import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_IMAGE } from "./test-sandboxes.ts";

/** Images the build script knows how to make offline, by the name it takes for each. */
const BUILDABLE: Record<string, string> = {
  "oz-test/busybox:latest": "busybox",
  "oz-test/debian:bookworm": "debian",
};

/** vitest globalSetup: builds the test image when it is missing (the script skips an image that exists). */
export default function setup() {
  const which = BUILDABLE[TEST_IMAGE];
  if (which === undefined) return;
  const script = fileURLToPath(new URL("../../../scripts/build-test-images.sh", import.meta.url));
  execFileSync(script, [which], { stdio: "inherit" });
}
