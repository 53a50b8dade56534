// The test projects: one per app and package that has tests. vitest.config.ts runs them together.
export default ["apps/*", "packages/*"];
