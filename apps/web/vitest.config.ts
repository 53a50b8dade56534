import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const serverGlobalSetup = fileURLToPath(new URL("../../packages/testing/src/global-setup.ts", import.meta.url));

// Two projects: component tests in jsdom, and end-to-end tests driving Debian's Chromium against the real API.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [react()],
        test: {
          name: "web",
          include: ["src/**/*.test.{ts,tsx}"],
          environment: "jsdom",
          setupFiles: ["./src/test-support/setup.ts"],
        },
      },
      {
        test: {
          name: "web-e2e",
          include: ["e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: [serverGlobalSetup, "./e2e/support/build-dashboard.ts"],
          testTimeout: 90_000,
          // What a person waits for: a poll of the live list (2.5 s) and a little more.
          expect: { poll: { timeout: 10_000, interval: 100 } },
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
