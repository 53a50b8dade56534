import { prepareTemplateDatabase } from "./postgres.ts";

let prepared: Promise<void> | undefined;

/** vitest globalSetup: migrate the template database once for the whole run (shared by every project). */
export default async function setup() {
  prepared ??= prepareTemplateDatabase();
  await prepared;
}
