export {
  postgresServerUrl,
  prepareTemplateDatabase,
  dropTemplateDatabase,
  createTestDatabase,
  createEmptyDatabase,
  testDatabaseUrl,
  dropDatabases,
  type TestDatabase,
} from "./postgres.ts";
export * from "./fake-llm/index.ts";
export { insertTeamRow, insertRunRow } from "./rows.ts";
export { startGitDaemon, DOCKER_HOST_ADDRESS, type GitDaemon } from "./git-daemon.ts";
export { freePort } from "./free-port.ts";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
export { PrometheusScrape } from "./prometheus-scrape.ts";
