export {
  postgresServerUrl,
  prepareTemplateDatabase,
  createTestDatabase,
  createEmptyDatabase,
  type TestDatabase,
} from "./postgres.ts";
