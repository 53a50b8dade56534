import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import { serverProject } from "../../vitest.shared.ts";

export default mergeConfig(serverProject("sandbox"), {
  test: { globalSetup: [fileURLToPath(new URL("./src/test-image-setup.ts", import.meta.url))] },
});
