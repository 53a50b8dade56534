import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import { serverProject } from "../../vitest.shared.ts";

export default mergeConfig(serverProject("harness"), {
  test: {
    globalSetup: [
      fileURLToPath(new URL("./src/oz/test-support/test-images.ts", import.meta.url)),
      fileURLToPath(new URL("./src/cli/test-support/harness-images.ts", import.meta.url)),
    ],
  },
});
