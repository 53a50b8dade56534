export * from "./enums.ts";
export * from "./common.ts";
export * from "./run-config.ts";
export * from "./runs.ts";
export * from "./agents.ts";
export * from "./environments.ts";
export * from "./api-keys.ts";
