export {
  postgresServerUrl,
  prepareTemplateDatabase,
  dropTemplateDatabase,
  createTestDatabase,
  createEmptyDatabase,
  type TestDatabase,
} from "./postgres.ts";
export * from "./fake-llm/index.ts";
export { insertTeamRow, insertRunRow } from "./rows.ts";
