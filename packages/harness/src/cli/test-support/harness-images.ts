import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The sandbox image with one agent CLI installed (scripts/build-harness-images.sh). */
export const cliImage = (cli: "claude" | "codex" | "gemini") => `oz-test/${cli}:latest`;

/** vitest globalSetup: builds the agent CLI images that are missing (seconds when they are all there). */
export default function setup() {
  const script = fileURLToPath(new URL("../../../../../scripts/build-harness-images.sh", import.meta.url));
  execFileSync(script, [], { stdio: "inherit" });
}
