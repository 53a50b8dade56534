import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

/** Settings every server-side test project shares: real Postgres prepared once per run. */
export const serverProject = (name: string) =>
  defineProject({
    test: {
      name,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      environment: "node",
      globalSetup: [fileURLToPath(new URL("./packages/testing/src/global-setup.ts", import.meta.url))],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
