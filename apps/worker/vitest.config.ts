import { fileURLToPath } from "node:url";
import { mergeConfig } from "vitest/config";
import { serverProject } from "../../vitest.shared.ts";

export default mergeConfig(serverProject("worker"), {
  test: { globalSetup: [fileURLToPath(new URL("./test/support/test-images.ts", import.meta.url))] },
});
