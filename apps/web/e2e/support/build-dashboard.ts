import { fileURLToPath } from "node:url";
import { build } from "vite";

/** vitest globalSetup of the browser tests: the production build they exercise, as `pnpm --filter @oz/web build` makes it. */
export default async function buildDashboard() {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  // vitest sets NODE_ENV=test, which would give React's development build; the tests must see what users get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ root, mode: "production", logLevel: "warn", configFile: `${root}vite.config.ts` });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
