import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import { serverProject } from "../../vitest.shared.ts";

export default mergeConfig(serverProject("cli"), {
  test: {
    globalSetup: [
      fileURLToPath(new URL("../worker/test/support/test-images.ts", import.meta.url)),
      fileURLToPath(new URL("./test/support/build-cli.ts", import.meta.url)),
    ],
  },
});
