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
export { startGitDaemon, DOCKER_HOST_ADDRESS, type GitDaemon } from "./git-daemon.ts";
export { freePort } from "./free-port.ts";
