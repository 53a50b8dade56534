import { dropTemplateDatabase, prepareTemplateDatabase } from "./postgres.ts";

let prepared: Promise<string> | undefined;

/**
 * vitest globalSetup: migrate this run's template database once (shared by every project of the run) and
 * drop it at the end.
 */
export default async function setup() {
  const first = !prepared;
  prepared ??= prepareTemplateDatabase();
  const name = await prepared;
  process.env.OZ_TEST_TEMPLATE_DB = name;
  if (!first) return;
  return async () => {
    await dropTemplateDatabase(name).catch(() => {});
  };
}
